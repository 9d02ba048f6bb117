"""GET /v1/status: always available, even during maintenance."""

from __future__ import annotations

from fastapi import APIRouter

from acom_contract.schemas import MaintenanceWindow, Status
from mock_server.auth import Ctx
from mock_server.domain import maintenance

router = APIRouter(tags=["status"])


def _window(window: maintenance.Window | None) -> MaintenanceWindow | None:
    if window is None:
        return None
    return MaintenanceWindow(kind=window.kind, starts_at=window.starts_at, ends_at=window.ends_at)


@router.get("/v1/status", response_model=Status)
def status(ctx: Ctx) -> Status:
    now = ctx.now()
    adhoc = ctx.adhoc_window()
    current = maintenance.current_window(now, adhoc)
    return Status(
        server_time=now,
        maintenance_now=current is not None,
        current_maintenance=_window(current),
        next_maintenance=_window(maintenance.next_window(now, adhoc)),
    )
