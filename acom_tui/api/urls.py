"""Which server URLs a PIN may be sent to: https, or plain http to this machine only.

Standard library only, so the command line can check a URL before httpx is imported; the
client checks it again when it is built (``acom_tui.api.client.check_server_url``).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_loopback", "url_problem"]


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str, *, allow_insecure_http: bool) -> str | None:
    """A reason the URL cannot be used, or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https") or not host:
        return f"expected http(s)://host[:port], got {url!r}"
    if parts.scheme == "http" and not (allow_insecure_http or is_loopback(host)):
        return f"plain http to {host} would send your PIN unencrypted; use https"
    return None
