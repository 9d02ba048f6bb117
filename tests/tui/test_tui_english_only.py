"""An English screen shows no Japanese, except names (of members, banks and shops).

The main screens are drawn in English for a few roster members through the Pilot, and
every kana or kanji left on them must belong to a name the server holds: the member's,
a bank's, a shop's, a file's. A notice body, a rejection reason or a statement description
written in Japanese by the server fails the test, and so does a Japanese date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from screen_text import screen_lines
from textual.pilot import Pilot
from tui_support import fill_login, make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.app import AcomApp
from acom_tui.screens.documents import DocumentsScreen

JAPANESE = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆（）「」『』【】、。～]+"
)
# A card statement names a few hundred shops; the whitelist is read from the API.
STATEMENT_PAGE = 500


async def _names(app: AcomApp) -> set[str]:
    session = app.session
    assert session is not None
    client = session.backend.client
    account = await client.account()
    names = {account.name, *account.name.split()}
    names |= {bank.name for bank in await client.banks()}
    page = await client.statements(limit=STATEMENT_PAGE)
    names |= {item.merchant for item in page.items if item.merchant}
    for document in (await client.documents()).items:
        # A long file name is shortened on screen: any beginning of it is still the name.
        name = document.filename
        names |= {name[:end] for end in range(3, len(name) + 1)}
    return names


def _japanese_outside(lines: list[str], names: set[str]) -> list[str]:
    found = []
    for line in lines:
        for name in sorted(names, key=len, reverse=True):
            line = line.replace(name, "")
        found += JAPANESE.findall(line)
    return found


async def _screens(pilot: Pilot[Any]) -> dict[str, list[str]]:
    """The text of the main screens, by name, as a member moves through them."""
    app = pilot.app
    shown: dict[str, list[str]] = {"dashboard": screen_lines(app)}
    for key, name in (("4", "notices"), ("3", "statements")):
        await pilot.press(key)
        await settle(pilot)
        shown[name] = screen_lines(app)
        await pilot.press("enter")
        await settle(pilot)
        shown[f"{name}: first item"] = screen_lines(app)
        while len(app.screen_stack) > 2:
            await app.pop_screen()
        await settle(pilot)
    await app.push_screen(DocumentsScreen())
    await settle(pilot)
    shown["documents"] = screen_lines(app)
    return shown


@pytest.mark.parametrize("member", ["10000001", "10000008", "10000010", "10000011"])
async def test_english_screens_show_no_japanese_but_names(
    make_demo: Callable[[], Demo], member: str
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, member)
        names = await _names(app)
        shown = await _screens(pilot)
    offenders = {
        screen: words
        for screen, lines in shown.items()
        if (words := _japanese_outside(lines, names))
    }
    assert offenders == {}
    assert len(shown) == 6 and all(any(line.strip() for line in lines) for lines in shown.values())


async def test_the_scan_finds_japanese_text(make_demo: Callable[[], Demo]) -> None:
    """The same scan on the Japanese screens finds plenty: it can fail."""
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, "10000008")
        names = await _names(app)
        shown = await _screens(pilot)
    assert all(_japanese_outside(lines, names) for lines in shown.values())


YEN_JA = re.compile(r"([0-9][0-9,]*)円")


async def test_english_notices_show_the_figures_of_the_japanese_mail(
    make_demo: Callable[[], Demo],
) -> None:
    """Each notice with amounts (10000008: two reminders and an overdue notice), opened in
    English, shows every amount of the mail as sent in Japanese, written ``¥9,000``."""
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, "10000008")
        session = app.session
        assert session is not None
        client = session.backend.client
        client.language = "ja"
        sent = (await client.notices()).items
        client.language = "en"
        await pilot.press("4")
        await settle(pilot)
        shown: dict[str, list[str]] = {}
        for index, notice in enumerate(sent):
            await pilot.press("enter")
            await settle(pilot)
            shown[notice.id] = screen_lines(app)
            await app.pop_screen()
            await settle(pilot)
            if index + 1 < len(sent):
                await pilot.press("down")
    with_amounts = {notice.id: YEN_JA.findall(notice.body) for notice in sent}
    missing = {
        notice_id: [f"¥{amount}" for amount in amounts if f"¥{amount}" not in "".join(screen)]
        for notice_id, amounts in with_amounts.items()
        for screen in [shown[notice_id]]
    }
    assert sum(len(amounts) for amounts in with_amounts.values()) >= 4
    assert {notice_id: found for notice_id, found in missing.items() if found} == {}
