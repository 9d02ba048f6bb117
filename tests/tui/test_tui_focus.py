"""What has focus can be seen: every focusable kind of ours, in every theme and with NO_COLOR.

A widget's rendered lines are read focused and not focused. In a theme the two must differ
(colours count); with ``NO_COLOR`` they must differ without colours: only bold, reverse,
underline, italic, dim and strike count, which is what a colourless terminal draws. Either
way the focused widget still shows its label and its state.

Textual's screenshots do not pass through the NO_COLOR filter (it sits in the driver), so
the NO_COLOR snapshot records our colourless rules, and the test below proves they show.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input
from tui_support import fill_login, make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.themes import apply_theme
from acom_tui.widgets.checkbox import PlainCheckbox

SnapCompare = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]
Cell = tuple[str, object]

TOGGLES = ("due_reminders", "overdue_notices", "card_renewal", "campaigns")


def cells(widget: Widget, *, colour: bool) -> list[list[Cell]]:
    """The widget and what it holds, as drawn: one (character, look) per cell."""
    rows: list[list[Cell]] = []
    for node in [widget, *widget.query("*")]:
        if not node.display or not node.outer_size.area:
            continue
        width, height = node.outer_size
        for strip in node.render_lines(Region(0, 0, width, height)):
            row: list[Cell] = []
            for segment in strip:
                style = segment.style
                look: object
                if style is None:
                    look = None
                elif colour:
                    look = str(style)
                else:
                    look = tuple(
                        bool(getattr(style, name))
                        for name in ("bold", "reverse", "underline", "italic", "dim", "strike")
                    )
                row += [(char, look) for char in segment.text]
            rows.append(row)
    return rows


def text_of(rows: list[list[Cell]]) -> str:
    return "\n".join("".join(char for char, _ in row).rstrip() for row in rows)


async def focused_text(pilot: Pilot[Any], widget: Widget, *, colour: bool) -> str:
    """Assert that focus changes how ``widget`` looks; the text it shows while focused."""
    pilot.app.screen.set_focus(None)
    await pilot.pause()
    before = cells(widget, colour=colour)
    widget.focus()
    await pilot.pause()
    after = cells(widget, colour=colour)
    assert widget.has_focus
    assert after != before, f"{widget!r} looks the same focused ({pilot.app.theme})"
    return text_of(after)


# The kinds, each where it lives; the text each must still show while it has focus.
BEFORE_LOGIN: list[tuple[str, str]] = [
    ("#member-number", "1000"),  # an input: what was typed
    ("#remember", "Remember my member number on this device"),  # checkbox: the label
    ("#login-submit", "Log in"),  # a link list
]
AFTER_LOGIN: dict[str, list[tuple[str, str]]] = {
    "3": [
        ("#kind-tabs", "1 Loans"),  # tabs
        ("#period-tabs", "All"),
        ("#statements-table", "2026-11-02"),  # a data table, its cursor row
    ],
    "2": [("#repay-banks", "楽天銀行")],  # an option list (the bank)
}


async def check_before_login(pilot: Pilot[Any], *, colour: bool) -> None:
    app = pilot.app
    screen = app.screen
    screen.query_one("#member-number", Input).value = "1000"
    box = screen.query_one("#remember", PlainCheckbox)
    for selector, shown in BEFORE_LOGIN:
        assert shown in await focused_text(pilot, screen.query_one(selector), colour=colour)
    # The checkbox's state: the box, ticked or not, before the label.
    assert (await focused_text(pilot, box, colour=colour)).startswith(
        "[x] " if box.value else "[ ] "
    )
    app.push_screen(
        ConfirmDialog(title="?", lines=["."], keep_label="Keep it", change_label="Change it")
    )
    await settle(pilot)
    for selector, shown in (("#confirm-keep", "Keep it"), ("#confirm-change", "Change it")):
        widget = app.screen.query_one(selector)
        assert shown in await focused_text(pilot, widget, colour=colour)
    app.pop_screen()
    await settle(pilot)


async def check_after_login(pilot: Pilot[Any], *, colour: bool) -> None:
    app = pilot.app
    for key, kinds in AFTER_LOGIN.items():
        await pilot.press(key)
        await settle(pilot)
        for selector, shown in kinds:
            widget = app.screen.query_one(selector)
            assert shown in await focused_text(pilot, widget, colour=colour)
        await pilot.press("escape")
        await settle(pilot)
    # The four e-mail toggles (notices, then F4).
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    for name in TOGGLES:
        box = app.screen.query_one(f"#toggle-{name}", PlainCheckbox)
        text = await focused_text(pilot, box, colour=colour)
        assert text.startswith("[x] " if box.value else "[ ] ")
        assert str(box.label) in text


async def test_every_kind_shows_focus_in_every_theme(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        themes = [*sorted(app.available_themes), "textual-ansi"]
        assert {"textual-dark", "textual-light"} <= set(themes)
        for theme in themes:
            apply_theme(app, theme)
            await settle(pilot)
            assert app.theme == theme
            await check_before_login(pilot, colour=True)
        await fill_login(pilot, "10000001")
        for theme in ("textual-dark", "textual-light", "textual-ansi"):
            apply_theme(app, theme)
            await settle(pilot)
            await check_after_login(pilot, colour=True)
            await pilot.press("escape", "escape")
            await settle(pilot)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-ansi"])
async def test_every_kind_shows_focus_without_colour(
    make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(make_demo(), lang="en", theme=theme)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await check_before_login(pilot, colour=False)
        await fill_login(pilot, "10000001")
        await check_after_login(pilot, colour=False)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "textual-ansi"])
async def test_the_focused_checkbox_keeps_its_label(
    make_demo: Callable[[], Demo], theme: str
) -> None:
    """It used to draw as an empty frame: ToggleButton's focus border filled its one line."""
    app = make_app(make_demo(), lang="ja", theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#remember", PlainCheckbox)
        box.focus()
        await settle(pilot)
        assert box.outer_size.height == 1
        width = box.outer_size.width
        (line,) = box.render_lines(Region(0, 0, width, 1))
        assert line.text.startswith("[ ] この端末に会員番号を記憶する")
        # And as the screen shows it (the SVG escapes spaces as &#160;).
        assert "この端末に会員番号を記憶する" in app.export_screenshot()


# --- snapshots: each kind focused ----------------------------------------------------------


def focus_on(selector: str, *keys: str, member: str | None = None) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if member is not None:
            await fill_login(pilot, member)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.screen.query_one(selector).focus()
        await settle(pilot)

    return run


def test_snapshot_login_checkbox_focused(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=focus_on("#remember"))


def test_snapshot_notice_toggle_focused_no_color(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(make_demo(), lang="ja")
    run = focus_on("#toggle-card_renewal", "4", "f4", member="10000001")
    assert snap_compare(app, run_before=run)


def test_snapshot_statement_tabs_focused_ansi(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    app = make_app(make_demo(), lang="ja", theme="textual-ansi")
    assert snap_compare(app, run_before=focus_on("#period-tabs", "3", member="10000001"))


def test_snapshot_bank_list_focused_ansi_no_color(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(make_demo(), lang="ja", theme="textual-ansi")
    assert snap_compare(app, run_before=focus_on("#repay-banks", "2", member="10000001"))


def test_snapshot_delivery_question_keep_focused(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    """The consent question: what changes, and the focus on keeping it."""
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(
        app, run_before=focus_on("#confirm-keep", "3", "f4", "enter", member="10000001")
    )
