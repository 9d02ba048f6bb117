"""The PIN change takes a burst of keys as it takes slow typing (issue 13 leftover).

``4829<Enter>5172<Enter>5172<Enter>`` posted before any key is handled: each PIN lands in
its own field, and the change goes through. Before, Enter moved focus in a ``Submitted``
handler, after the queued digits had all gone to the first field.
"""

from __future__ import annotations

from collections.abc import Callable

from settings_support import open_settings
from test_tui_burst import burst
from tui_support import fill_login, make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.i18n import t
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.pin_change import PinChangeScreen
from acom_tui.widgets.digits_input import PinInput


async def test_a_burst_fills_each_pin_field_and_changes_the_pin(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "4")
        screen = app.screen
        assert isinstance(screen, PinChangeScreen)
        fields = [screen.query_one(f"#pin-{n}", PinInput) for n in ("current", "new", "again")]
        seen = await burst(pilot, "4829\r5172\r5172\r", watch=fields[:1])
        # The first field never held more than the current PIN.
        assert max(len(value) for value in seen) == 4
        assert screen.status_text == t("settings.pin.changed")
        await app.action_logout()
        await settle(pilot)
        await fill_login(pilot, "10000001", "5172")
        assert isinstance(app.screen, DashboardScreen)
    await demo.aclose()
