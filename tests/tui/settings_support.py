"""Helpers of the settings tests (the demo fixtures are in conftest.py)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import fill_login, settle

from acom_tui.api.client import NO_RETRY, Client, StaffClient
from acom_tui.api.demo import DEMO_BASE_URL, Demo

STAFF_ID = "S0001"
STAFF_PASSWORD = "staff-demo-pass"


async def open_settings(
    pilot: Pilot[Any], member_number: str, entry_key: str | None = None
) -> None:
    """Log in, open the settings menu (5 on the dashboard), then an entry by its key."""
    await settle(pilot)
    await fill_login(pilot, member_number)
    await pilot.press("5")
    await settle(pilot)
    if entry_key is not None:
        await pilot.press(entry_key)
        await settle(pilot)


async def set_input(pilot: Pilot[Any], selector: str, value: str) -> None:
    """Replace the text of an input (what select-all and typing would do), then settle."""
    field = pilot.app.screen.query_one(selector, Input)
    field.value = value
    field.focus()
    await pilot.pause()


async def type_keys(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A real, valid PNG image (red), built with the standard library."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_png(path: Path) -> Path:
    path.write_bytes(png_bytes())
    return path


async def member_client(demo: Demo, member_number: str, pin: str = "4829") -> Client:
    """A second terminal of the member, to check what the server now holds."""
    client = demo.new_client(retry=NO_RETRY)
    await client.login(member_number, pin)
    return client


async def staff_pin_reset(demo: Demo, member_number: str) -> str:
    """What the support desk does for a forgotten PIN: a one-time PIN (SPEC 2.17)."""
    staff = StaffClient(DEMO_BASE_URL, transport=demo.transport, retry=NO_RETRY)
    await staff.login(STAFF_ID, STAFF_PASSWORD)
    issued = await staff.reset_pin(
        member_number, reason="forgot PIN, identity checked at store", identity_document="passport"
    )
    await staff.logout()
    return issued.one_time_pin.get_secret_value()
