"""The login screen's help links and its submit, drawn by one ``LinkList`` each."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult

from acom_tui.api.demo import Demo
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.help import HelpScreen
from acom_tui.screens.simulator import SimulatorScreen
from acom_tui.widgets.link_list import Link, LinkList
from tests.tui.tui_support import PIN, running, settle

LINKS = [Link("a", "一つ目"), Link("b", "second"), Link("c", "三")]


class LinksApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield LinkList(LINKS, id="links")

    def on_link_list_selected(self, event: LinkList.Selected) -> None:
        self.opened.append(event.link.id)


def test_links_go_left_to_right_and_wrap_when_the_next_does_not_fit() -> None:
    links = LinkList(LINKS, gap=2)
    # " 一つ目 " is 8 cells, " second " 8, " 三 " 4.
    assert [(p.row, p.start, p.end) for p in links.place(40)] == [
        (0, 0, 8),
        (0, 10, 18),
        (0, 20, 24),
    ]
    assert [(p.row, p.start, p.end) for p in links.place(19)] == [
        (0, 0, 8),
        (0, 10, 18),
        (1, 0, 4),
    ]
    # A link wider than the line still gets a line of its own, not an endless loop.
    assert [p.row for p in links.place(3)] == [0, 1, 2]


async def test_arrows_choose_and_enter_opens_without_leaving_the_ends() -> None:
    app = LinksApp()
    async with app.run_test() as pilot:
        app.query_one(LinkList).focus()
        await pilot.press("left", "enter")
        await pilot.press("right", "down", "right", "enter")
        await pilot.press("up", "space")
        await pilot.pause()
    assert app.opened == ["a", "c", "b"]


async def test_a_click_opens_the_link_under_the_pointer_and_only_there() -> None:
    app = LinksApp()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.click("#links", offset=(12, 0))
        await pilot.click("#links", offset=(9, 0))  # the gap between two links
        await pilot.click("#links", offset=(21, 0))
        await pilot.pause()
    assert app.opened == ["b", "c"]


class TitledLinksApp(LinksApp):
    def compose(self) -> ComposeResult:
        yield LinkList(LINKS, title="Need help?", id="links")


async def test_a_title_is_the_first_line_and_the_links_follow_it() -> None:
    links = LinkList(LINKS, gap=2, title="Need help?")
    assert [(p.row, p.start) for p in links.place(19)] == [(1, 0), (1, 10), (2, 0)]
    assert LinkList([], title="Only a title").place(10) == []
    app = TitledLinksApp()
    async with app.run_test(size=(40, 5)) as pilot:
        widget = app.query_one(LinkList)
        assert widget.size.height == 2
        assert widget.render_line(0).text.rstrip() == "Need help?"
        assert widget.render_line(1).text.startswith(" 一つ目 ")
        await pilot.click("#links", offset=(12, 0))  # the title: nothing opens
        await pilot.click("#links", offset=(12, 1))
        await pilot.pause()
    assert app.opened == ["b"]


async def test_the_help_links_of_the_login_screen_open_their_pages(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="en") as pilot:
        app = pilot.app
        app.screen.query_one("#help-links").focus()
        await pilot.press("right", "right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.topic == "cannot_login"
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#help-links").focus()
        await pilot.press("right", "right", "right", "right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SimulatorScreen)
    await demo.aclose()


async def test_the_submit_link_logs_in_and_no_status_line_exists_before_it_is_needed(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        login = app.screen
        assert not login.query("#login-status")
        assert not login.query("#remember-note")
        login.query_one("#member-number").value = "10000001"  # type: ignore[attr-defined]
        login.query_one("#pin").value = "0000"  # type: ignore[attr-defined]
        login.query_one("#login-submit").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert login.query("#login-status")
        assert "2" in app.login_screen.status_text  # attempts left
        login.query_one("#pin").value = PIN  # type: ignore[attr-defined]
        await pilot.click("#login-submit", offset=(2, 0))
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    await demo.aclose()
