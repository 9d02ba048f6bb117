"""PIN lockout: three consecutive wrong PINs lock the account (SPEC 2.1)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_FAILED_ATTEMPTS = 3


@dataclass(frozen=True)
class FailureOutcome:
    failed_attempts: int
    locked: bool

    @property
    def remaining_attempts(self) -> int:
        return max(0, MAX_FAILED_ATTEMPTS - self.failed_attempts)


def register_failure(
    failed_attempts: int, max_attempts: int = MAX_FAILED_ATTEMPTS
) -> FailureOutcome:
    """Count one more wrong PIN; the attempt that reaches the limit locks the account."""
    count = failed_attempts + 1
    return FailureOutcome(failed_attempts=count, locked=count >= max_attempts)
