"""Server settings: thresholds and timeouts the rules use, all overridable for tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from mock_server.hashing import DEFAULT_PARAMS, ScryptParams


@dataclass(frozen=True)
class ServerSettings:
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    data_dir: Path | None = None  # uploaded files; defaults to beside the database
    idle_timeout: timedelta = timedelta(minutes=15)
    absolute_timeout: timedelta = timedelta(hours=12)
    staff_idle_timeout: timedelta = timedelta(minutes=10)
    failed_logins_per_address_per_hour: int = 100
    # Staff passwords guard every member: fewer failures per address than for PINs.
    staff_failed_logins_per_address_per_hour: int = 20
    scrypt: ScryptParams = DEFAULT_PARAMS
    delinquency_days: int = 61
    frequent_borrowing_count: int = 10
    frequent_borrowing_window_days: int = 7
    max_upload_bytes: int = 10 * 1024 * 1024
    # Every body that is not a multipart upload: far above any request of this API, far
    # below what would cost the server to read.
    max_json_bytes: int = 64 * 1024
    # Set when the server listens on loopback only: a request naming another Host came
    # through a DNS-rebinding page in a browser, not from this machine's clients.
    loopback_only: bool = False
    idempotency_retention: timedelta = timedelta(hours=24)
