"""A bounded load test of the mock server on this machine (loopback only).

    .venv/bin/python scripts/load_test.py                    # ~20 s, 50 clients, 2 workers
    .venv/bin/python scripts/load_test.py --seconds 180      # the long variant
    .venv/bin/python scripts/load_test.py --write docs/reliability.md

It starts its own ``acom-mock-server`` on a free 127.0.0.1 port and a temporary database
(frozen clock, frequent-borrowing rule lifted), then 50 clients log in (members spread over
the roster) and each sends a mix of what members do: the account, statements, the status
page, repayment quotes, borrowings and repayments (each with its own Idempotency-Key). The
run stops after ``--seconds`` or ``--max-requests``, whichever comes first; every request
has a timeout.

A request *fails* when it gets no answer or a status outside 200/201/422 (422 is a
business refusal here: over the limit, 総量規制, more than the payoff). Afterwards every
member's books must still balance (SPEC 2.8) and SQLite must find its file intact. The
exit status is 1 when a 5xx was seen, the failure ratio is over 0.1 %, or the books do not
balance.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import machine, ms, write_block  # noqa: E402
from benchmarks.loadgen import LoadResult, drive  # noqa: E402
from benchmarks.mock_process import MockServer  # noqa: E402

MEMBERS = ("10000001", "10000006", "10000009", "10000010", "10000011")
REPAY_BANK = "0036"
ACCEPTED = frozenset({200, 201, 422})
MAX_FAILURE_RATIO = 0.001

# (share, name) of the mix; a member mostly looks, sometimes moves money.
MIX = (
    (30, "account"),
    (20, "statements"),
    (10, "status"),
    (10, "quote"),
    (15, "borrow"),
    (15, "repay"),
)
_WHEEL = [name for share, name in MIX for _ in range(share)]


@dataclass(frozen=True)
class Member:
    number: str
    headers: dict[str, str]


async def login(http: httpx.AsyncClient, index: int) -> Member:
    number = MEMBERS[index % len(MEMBERS)]
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": "4829"})
    response.raise_for_status()
    return Member(number, {"Authorization": f"Bearer {response.json()['token']}"})


async def act(http: httpx.AsyncClient, member: Member, number: int) -> httpx.Response:
    kind = _WHEEL[(number * 37) % len(_WHEEL)]
    headers = member.headers
    if kind == "account":
        return await http.get("/v1/me/account", headers=headers)
    if kind == "statements":
        return await http.get("/v1/me/statements", params={"limit": 50}, headers=headers)
    if kind == "status":
        return await http.get("/v1/status")
    body = {"amount": 1000, "bank_code": REPAY_BANK}
    if kind == "quote":
        return await http.post("/v1/me/repayments/quote", json=body, headers=headers)
    key = headers | {"Idempotency-Key": f"load-{uuid.uuid4()}"}
    if kind == "borrow":
        return await http.post("/v1/me/borrowings", json={"amount": 1000}, headers=key)
    return await http.post("/v1/me/repayments", json=body, headers=key)


def books_balance(db: Path) -> dict[str, bool]:
    """Per member: principal = Σ borrowings − Σ principal parts of repayments, 0..limit."""
    found = {}
    with sqlite3.connect(db) as conn:
        for number in MEMBERS:
            principal, limit = conn.execute(
                "SELECT l.principal, m.credit_limit FROM loans l JOIN members m "
                "USING (member_number) WHERE member_number = ?",
                (number,),
            ).fetchone()
            from_ledger = conn.execute(
                "SELECT COALESCE(SUM(CASE kind WHEN 'loan' THEN amount ELSE -principal END), 0) "
                "FROM ledger WHERE member_number = ? AND kind IN ('loan', 'repayment')",
                (number,),
            ).fetchone()[0]
            found[number] = principal == from_ledger and 0 <= principal <= limit
        found["integrity_check"] = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return found


@dataclass
class Outcome:
    result: LoadResult
    books: dict[str, bool]
    workers: int
    clients: int
    seconds: float
    log_clean: bool

    @property
    def failures(self) -> int:
        return self.result.failures(lambda status: status in ACCEPTED)

    @property
    def failure_ratio(self) -> float:
        return self.failures / max(1, self.result.requests)

    @property
    def passed(self) -> bool:
        return (
            self.result.server_errors == 0
            and self.failure_ratio <= MAX_FAILURE_RATIO
            and all(self.books.values())
            and self.log_clean
        )

    def summary(self) -> dict[str, object]:
        result = self.result
        return {
            "requests": result.requests,
            "seconds": round(result.elapsed, 1),
            "rps": round(result.rps),
            "p50_ms": round(result.p(0.5) * 1000, 1),
            "p95_ms": round(result.p(0.95) * 1000, 1),
            "p99_ms": round(result.p(0.99) * 1000, 1),
            "statuses": dict(sorted(result.statuses.items())),
            "transport_errors": dict(result.errors),
            "failure_ratio": self.failure_ratio,
            "books_balance": self.books,
            "passed": self.passed,
        }

    def markdown(self) -> str:
        result = self.result
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(result.statuses.items()))
        errors = ", ".join(f"{k}: {n}" for k, n in result.errors.items()) or "none"
        return "\n".join(
            [
                f"`scripts/load_test.py --seconds {self.seconds:g} --clients {self.clients} "
                f"--workers {self.workers}`: **{'held' if self.passed else 'FAILED'}**",
                "",
                "| requests | req/s | p50 | p95 | p99 | failure ratio | 5xx |",
                "|---|---|---|---|---|---|---|",
                f"| {result.requests} | {result.rps:.0f} | {ms(result.p(0.5))} "
                f"| {ms(result.p(0.95))} | {ms(result.p(0.99))} "
                f"| {self.failure_ratio:.4%} | {result.server_errors} |",
                "",
                f"Statuses: {statuses}. Transport errors: {errors}. Books balance for every "
                f"member and `PRAGMA integrity_check` ok: "
                f"{'yes' if all(self.books.values()) else 'NO ' + str(self.books)}. "
                f"Server log free of tracebacks and lock errors: "
                f"{'yes' if self.log_clean else 'NO'}.",
                "",
                machine(),
            ]
        )


def run(seconds: float, clients: int, workers: int, max_requests: int, base: Path) -> Outcome:
    server = MockServer(db=base / "load.sqlite3", log=base / "load.log", workers=workers)
    with server:
        result = asyncio.run(
            drive(
                server.base_url,
                act,
                total=max_requests,
                concurrency=clients,
                setup=login,
                request_timeout=30.0,
                max_seconds=seconds,
            )
        )
    log = server.output()
    clean = "Traceback" not in log and "database is locked" not in log
    return Outcome(result, books_balance(server.db), workers, clients, seconds, clean)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="record in this file")
    parser.add_argument("--block", default=None, help="name of the block to write")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="acom-load-") as tmp:
        outcome = run(args.seconds, args.clients, args.workers, args.max_requests, Path(tmp))
    print(json.dumps(outcome.summary(), indent=2, ensure_ascii=False))
    if args.write is not None:
        name = args.block or ("load-long" if args.seconds >= 60 else "load-short")
        write_block(name, outcome.markdown(), args.write)
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
