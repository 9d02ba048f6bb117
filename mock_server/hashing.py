"""Salted slow hashes for PINs and staff passwords, and hashes for bearer tokens.

A secret is first keyed with the server's pepper (HMAC-SHA256), then stretched with scrypt.
The pepper lives outside the database (a file beside it, or the environment), so a copied
database alone cannot be brute-forced: without the pepper even the 10,000 possible PINs
cannot be tried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

# The scheme name marks hashes keyed with a pepper; plain "scrypt" hashes of older
# databases never verify (the schema version bump rebuilds those databases anyway).
SCHEME = "scrypt-hmac"
PEPPER_BYTES = 32


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**14
    r: int = 8
    p: int = 1
    # The server-side secret; create_app fills it from the store when it is left empty.
    pepper: bytes = field(default=b"", repr=False)


DEFAULT_PARAMS = ScryptParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _keyed(secret: str, pepper: bytes) -> bytes:
    return hmac.new(pepper, secret.encode("utf-8"), hashlib.sha256).digest()


def hash_secret(secret: str, params: ScryptParams = DEFAULT_PARAMS) -> str:
    """``scrypt-hmac$n$r$p$salt$hash``: the parameters travel with the hash so they can change."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        _keyed(secret, params.pepper), salt=salt, n=params.n, r=params.r, p=params.p, dklen=32
    )
    return f"{SCHEME}${params.n}${params.r}${params.p}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str, params: ScryptParams) -> bool:
    """Constant-time comparison with the pepper of ``params``; a malformed hash never matches.

    The cost parameters are the stored hash's own; only the pepper comes from ``params``.
    """
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            _keyed(secret, params.pepper),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def pepper_path(database: Path | str) -> Path:
    return Path(f"{database}.pepper")


def pepper_for(database: Path | str) -> bytes:
    """The pepper of a database: the file ``<database>.pepper`` beside it, made if missing."""
    return load_pepper(pepper_path(database))


def load_pepper(path: Path) -> bytes:
    """The pepper kept in ``path`` (mode 0600), made on first use.

    The new pepper is written to a temp file and linked into place, so processes starting
    together all read one whole pepper: the first link wins, the others read it.
    """
    if not path.exists():
        pepper = secrets.token_bytes(PEPPER_BYTES)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pepper)
                out.flush()
                os.fsync(out.fileno())
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
    os.chmod(path, 0o600)
    data = path.read_bytes()
    if len(data) < 16:
        raise ValueError(f"{path} holds no usable pepper (expected {PEPPER_BYTES} bytes)")
    return data


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as this hash; a stolen database does not yield sessions."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
