"""``python -m benchmarks``: run every benchmark and write docs/performance.md."""

from __future__ import annotations

from benchmarks import startup


def main() -> int:
    return startup.main(["--write", "docs/performance.md"])


if __name__ == "__main__":
    raise SystemExit(main())
