"""Run schemathesis from outside against a started ``acom-mock-server``, three times.

    .venv/bin/python scripts/schemathesis_run.py                  # 10 examples per operation
    .venv/bin/python scripts/schemathesis_run.py --max-examples 30

Starts the server on a free loopback port with a temporary database and a frozen clock, then
runs ``schemathesis run URL/openapi.json --checks all`` as a member (10000001), as staff
(S0001) and with the admin token, resetting the server to the demo roster before each run.
What a schema-valid request may be refused with is declared in ``schemathesis.toml`` at the
repository root. Exits 1 when any run finds something, 2 when the server does not start.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from benchmarks.mock_process import ADMIN_TOKEN, FROZEN_AT, MockServer, ServerFailed  # noqa: E402

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = ROOT / "schemathesis.toml"
RUN_TIMEOUT_S = 900
MEMBER = {"member_number": "10000001", "pin": "4829"}  # the published demo credentials
STAFF = {"staff_id": "S0001", "password": "staff-demo-pass"}


def _reset(client: httpx.Client) -> None:
    """Demo roster, no faults, no maintenance, the clock where the run started."""
    admin = {"X-Admin-Token": ADMIN_TOKEN}
    for method, path, body in (
        ("POST", "/v1/admin/reset", None),
        ("PUT", "/v1/admin/maintenance", {"on": False}),
        ("PUT", "/v1/admin/clock", {"now": FROZEN_AT, "frozen": True}),
    ):
        response = client.request(method, path, json=body, headers=admin)
        response.raise_for_status()


def _bearer(client: httpx.Client, path: str, body: dict[str, str]) -> tuple[str, str]:
    response = client.post(path, json=body)
    response.raise_for_status()
    return "Authorization", f"Bearer {response.json()['token']}"


def _config(folder: Path, role: str, header: tuple[str, str]) -> Path:
    """The project's schemathesis.toml plus this run's credentials, in a private file.

    Tokens never go on a command line, where any local user can read them (``ps``).
    """
    name, value = header
    path = folder / f"schemathesis-{role}.toml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        # Top-level keys come before the tables of the project's file.
        out.write(f"headers = {{ {json.dumps(name)} = {json.dumps(value)} }}\n")
        out.write(CONFIG.read_text(encoding="utf-8"))
    return path


def _run(base_url: str, config: Path, max_examples: int, report: Path) -> int:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(max_examples),
        "--workers",
        "1",
        # A reset re-seeds the whole roster (thousands of rows, scrypt hashes): on a loaded
        # 2-core machine that can pass schemathesis' default 10 s.
        "--request-timeout",
        "60",
        "--seed",
        "1",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    try:
        # Our own executable and arguments, no shell, no secret among them.
        run = subprocess.run(command, cwd=ROOT, timeout=RUN_TIMEOUT_S, check=False)  # noqa: S603
        return run.returncode
    except subprocess.TimeoutExpired:
        print(f"schemathesis did not finish within {RUN_TIMEOUT_S} s", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--only", choices=("member", "staff", "admin"), default=None)
    parser.add_argument("--report-dir", type=Path, default=None, help="keep the JUnit reports here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="acom-schemathesis-") as tmp:
        folder = Path(tmp)
        server = MockServer(db=folder / "mock.sqlite3", log=folder / "server.log")
        try:
            server.start(reset=True)
        except ServerFailed as failed:
            print(failed, file=sys.stderr)
            return 2
        results: dict[str, int] = {}
        try:
            with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
                roles = {
                    "member": lambda: _bearer(client, "/v1/sessions", MEMBER),
                    "staff": lambda: _bearer(client, "/v1/staff/sessions", STAFF),
                    "admin": lambda: ("X-Admin-Token", ADMIN_TOKEN),
                }
                for role, header in roles.items():
                    if args.only not in (None, role):
                        continue
                    _reset(client)
                    print(f"== schemathesis as {role} ==", flush=True)
                    report = (args.report_dir or folder) / f"schemathesis-{role}.xml"
                    config = _config(folder, role, header())
                    results[role] = _run(server.base_url, config, args.max_examples, report)
        finally:
            server.stop()
            log = server.output()
            if "Traceback" in log:
                print("the server logged a traceback:\n" + log[-4000:], file=sys.stderr)
                results["server log"] = 1
        print("== " + ", ".join(f"{role}: exit {code}" for role, code in results.items()))
        return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
