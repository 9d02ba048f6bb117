"""Statements on the in-process mock: paging, periods, details, CSV export, e-delivery.

10000010 has ten years of history: 200 loans, 109 repayments and 5,472 card rows at the
test clock (Wednesday 2 December 2026, 10:00 Japan time).
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label
from tui_support import FIXED_NOW, PIN, fill_login, make_app, settle, until

from acom_contract.schemas import JST, Page, Statement, StatementKind
from acom_tui.api.client import Client
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.dialogs.delivery import DeliveryDialog
from acom_tui.dialogs.export import ExportDialog
from acom_tui.export import header
from acom_tui.formatting import format_date
from acom_tui.normalize import InputError
from acom_tui.screens.statement_detail import StatementDetailScreen
from acom_tui.screens.statements import (
    FIRST_PAGE,
    StatementRows,
    StatementsScreen,
    months_back,
    parse_day,
    period_range,
)
from acom_tui.session import Backend
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.prose import Prose

SnapCompare = Callable[..., bool]
HISTORY = "10000010"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own: no Downloads or Documents, the data dir inside it (``~/data``)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.chdir(home)  # with no ~/Downloads, exports go to the current folder
    return home


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home at a fixed path, for a snapshot that shows where a file was saved."""
    home = Path(tempfile.gettempdir()) / "acom-tui-snapshot-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.chdir(home)
    yield home
    shutil.rmtree(home, ignore_errors=True)


class GateTransport(httpx.AsyncBaseTransport):
    """Holds every follow-up page of an export (limit 500 with a cursor) until opened."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.open = asyncio.Event()
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        follow_up = "cursor" in params and params.get("limit") == "500"
        if request.url.path == "/v1/me/statements" and follow_up:
            self.held += 1
            await self.open.wait()
        return await self.inner.handle_async_request(request)


def gated_backend(demo: Demo) -> tuple[Backend, GateTransport]:
    gate = GateTransport(demo.transport)
    client = Client(DEMO_BASE_URL, transport=gate)
    assert demo.now is not None

    async def close() -> None:
        await client.aclose()
        await demo.aclose()

    return Backend(client=client, now=demo.now, demo=True, admin=demo.admin, closer=close), gate


# --- helpers -----------------------------------------------------------------------------------


async def open_statements(pilot: Pilot[Any], member: str = HISTORY) -> StatementsScreen:
    await settle(pilot)
    await fill_login(pilot, member)
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatementsScreen)
    return screen


async def type_text(pilot: Pilot[Any], text: str) -> None:
    for char in text:
        await pilot.press(char)


async def choose_custom(pilot: Pilot[Any], start: str, end: str) -> None:
    """F3, Right from "all" to "custom" (the focus goes to the start date), fill, Enter.

    The dates are put in the fields whole: typing them key by key is tested once, in the
    period test, and costs time in every other test.
    """
    await pilot.press("f3", "right")
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#date-from", Input).value = start
    screen.query_one("#date-to", Input).value = end
    await pilot.press("enter")
    await settle(pilot)


async def member_client(demo: Demo, member: str = HISTORY) -> Client:
    client = demo.new_client()
    await client.login(member, PIN)
    return client


async def api_rows(
    client: Client,
    kind: StatementKind,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Statement]:
    rows: list[Statement] = []
    cursor: str | None = None
    while True:
        page = await client.statements(
            kind=kind, date_from=date_from, date_to=date_to, cursor=cursor, limit=500
        )
        rows.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return rows


def table_keys(screen: StatementsScreen) -> list[str]:
    table = screen.table
    return [
        str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)
    ]


# --- pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-01", date(2026, 9, 1)),
        ("2026/9/1", date(2026, 9, 1)),
        ("２０２６／０９／０１", date(2026, 9, 1)),
        ("２０２６ー９ー１", date(2026, 9, 1)),
        ("20260901", date(2026, 9, 1)),
        ("2026年9月1日", date(2026, 9, 1)),
        (" 2026.9.1 ", date(2026, 9, 1)),
        ("", None),
        ("   ", None),
    ],
)
def test_dates_as_people_type_them(text: str, expected: date | None) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "9/1", "2026-13-01", "明日", "2026-9"])
def test_what_is_not_a_date(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_day(text)
    assert caught.value.message_key == "statements.date.invalid"
    assert caught.value.params == {"text": text}


def test_period_presets_end_today() -> None:
    today = date(2026, 12, 2)
    assert period_range("month", today) == (date(2026, 12, 1), today)
    assert period_range("quarter", today) == (date(2026, 9, 2), today)
    assert period_range("year", today) == (date(2025, 12, 2), today)
    assert period_range("all", today) == (None, None)
    assert period_range("custom", today) == (None, None)
    # A day the earlier month lacks becomes its last day.
    assert months_back(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_back(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_back(date(2026, 1, 15), 3) == date(2025, 10, 15)


# --- paging and filters ------------------------------------------------------------------------


async def test_first_page_then_the_next_when_the_cursor_reaches_the_end(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot)
        api = await member_client(demo)
        expected = [s.id for s in await api_rows(api, "loan")]
        assert len(expected) == 200
        assert table_keys(screen) == expected[:FIRST_PAGE]
        assert screen.query_one("#statements-count", Label).content == (
            "100件を表示しています（新しい順）。下へ進むと続きを読み込みます。"
        )
        await pilot.press("end")
        await settle(pilot)
        # The second page arrived: all 200, in the API's order, none twice.
        assert table_keys(screen) == expected
        assert [s.id for s in screen.rows.items] == expected
        times = [s.occurred_at for s in screen.rows.items]
        assert times == sorted(times, reverse=True)
        assert screen.query_one("#statements-count", Label).content == (
            "200件（新しい順）。この条件の明細はすべて表示しています。"
        )
        await api.aclose()


def statement(number: int) -> Statement:
    return Statement(
        id=f"card_{number}",
        kind="card",
        occurred_at=datetime(2026, 12, 1, tzinfo=JST) - timedelta(hours=number),
        amount=100 + number,
        merchant="デモ書店",
        description="ショッピング 1回払い",
    )


def test_rows_are_kept_once_and_up_to_the_cap() -> None:
    rows = StatementRows(cap=5)
    first = Page[Statement](items=[statement(n) for n in range(3)], next_cursor="c1")
    assert rows.add_page(first) == first.items
    assert rows.more
    # A row seen before (a repeat at a page edge) is not kept twice; the cap cuts the rest.
    second = Page[Statement](items=[statement(n) for n in range(2, 7)], next_cursor="c2")
    assert [s.id for s in rows.add_page(second)] == ["card_3", "card_4"]
    assert [s.id for s in rows.items] == [f"card_{n}" for n in range(5)]
    assert rows.capped
    assert not rows.more
    assert rows.pages == 2
    last = StatementRows(cap=5)
    last.add_page(Page[Statement](items=[statement(0)], next_cursor=None))
    assert not last.capped
    assert not last.more


async def test_period_presets_and_typed_dates_narrow_the_rows(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot)
        api = await member_client(demo)
        await pilot.press("2")  # repayments
        await settle(pilot)
        everything = await api_rows(api, "repayment")
        assert table_keys(screen) == [s.id for s in everything[:FIRST_PAGE]]

        await pilot.press("f3", "left", "left")  # all, 1 year, 3 months
        await settle(pilot)
        quarter = await api_rows(api, "repayment", date(2026, 9, 2), date(2026, 12, 2))
        assert 0 < len(quarter) < len(everything)
        assert table_keys(screen) == [s.id for s in quarter]
        assert screen.current.date_from == date(2026, 9, 2)

        # Full-width digits and a Japanese date, as an input method gives them.
        await pilot.press("right", "right", "right")  # 1 year, all, custom
        await settle(pilot)
        assert screen.focused is screen.query_one("#date-from", Input)
        await type_text(pilot, "２０２５年１月１日")
        await pilot.press("tab")
        await type_text(pilot, "2025年6月30日")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is screen.table
        half_year = await api_rows(api, "repayment", date(2025, 1, 1), date(2025, 6, 30))
        assert len(half_year) > 0
        assert table_keys(screen) == [s.id for s in half_year]
        for statement in screen.rows.items:
            assert date(2025, 1, 1) <= statement.occurred_at.date() <= date(2025, 6, 30)

        # A date that does not exist, then the dates the wrong way round: said, not sent.
        shown = table_keys(screen)
        screen.query_one("#date-from", Input).value = "2025-02-30"
        screen.query_one("#date-from", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        error = screen.query_one("#statements-error", Banner)
        assert error.text == (
            "「2025-02-30」は日付として読み取れません。2026-09-01 のように入力してください。"
        )
        screen.query_one("#date-from", Input).value = "2025-07-01"
        await pilot.press("enter")
        await settle(pilot)
        assert error.text == "開始日が終了日より後になっています。"
        assert table_keys(screen) == shown
        await api.aclose()


async def test_no_card_tab_without_a_credit_card(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot, "10000001")
        tabs = [tab.id for tab in screen.query("#kind-tabs Tab")]
        assert tabs == ["kind-loan", "kind-repayment"]
        await pilot.press("3")
        await settle(pilot)
        assert screen.current.kind == "loan"
        assert len(screen.rows.items) == 9  # 10000001's loans in two years


async def test_detail_moves_through_the_list_and_back(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, StatementDetailScreen)
        assert detail.statement.id == screen.rows.items[1].id
        values = [label.content for label in detail.query(".detail-value")]
        assert values[:2] == ["2026年10月4日(日) 21:31", "18,000円"]
        await pilot.press("right", "right")
        await settle(pilot)
        assert detail.statement.id == screen.rows.items[3].id
        assert detail.query_one("#detail-position", Label).content == "4件目 / 100件"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.table.cursor_row == 3


# --- CSV export --------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[bytes, list[list[str]]]:
    raw = path.read_bytes()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


async def test_export_writes_every_row_of_the_view(
    make_demo: Callable[[], Demo], home: Path, tmp_path: Path
) -> None:
    demo = make_demo()
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot)
        await pilot.press("3")  # card
        await settle(pilot)
        await choose_custom(pilot, "2025-06-01", "2026-11-30")
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path_field = dialog.query_one("#export-path", Input)
        assert path_field.value == "~/acom-card-10000010-2025-06-01_2026-11-30.csv"
        path_field.value = str(out)  # a folder: the file goes inside, with its name
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.state == "done"

        api = await member_client(demo)
        expected = await api_rows(api, "card", date(2025, 6, 1), date(2026, 11, 30))
        assert len(expected) > 500  # more than one page of the export
        saved = out / "acom-card-10000010-2025-06-01_2026-11-30.csv"
        assert list(out.iterdir()) == [saved]
        raw, rows = read_csv(saved)
        assert raw.startswith(b"\xef\xbb\xbf")
        assert rows[0] == header("card", "ja")
        assert len(rows) - 1 == len(expected)
        assert [r[0] for r in rows[1:]] == [s.id for s in expected]
        # Japanese merchant names come back as they were; money is a plain integer.
        assert [r[3] for r in rows[1:]] == [s.merchant for s in expected]
        assert "コンビニ デモマート" in {r[3] for r in rows[1:]}
        assert [int(r[5]) for r in rows[1:]] == [s.amount for s in expected]
        outcome = dialog.query_one("#export-outcome", Prose).text
        assert outcome == f"{len(expected):,}件を保存しました。\n保存先: {saved}"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await api.aclose()


async def test_export_to_downloads_never_replaces_a_file(
    make_demo: Callable[[], Demo], home: Path
) -> None:
    downloads = home / "Downloads"
    downloads.mkdir()
    mine = downloads / "acom-loan-10000010-all_2026-12-02.csv"
    mine.write_text("my own notes", encoding="utf-8")
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statements(pilot)
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-path", Input).value == (
            "~/Downloads/acom-loan-10000010-all_2026-12-02.csv"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert mine.read_text(encoding="utf-8") == "my own notes"
        saved = downloads / "acom-loan-10000010-all_2026-12-02-2.csv"
        _raw, rows = read_csv(saved)
        assert rows[0][:3] == ["Statement no.", "Date", "Time"]
        assert len(rows) == 201
        assert dialog.query_one("#export-outcome", Prose).text == (
            f"Saved 200 rows.\nSaved to: {saved}\n"
            "A file of that name existed, so a number was added to the name."
        )


async def test_export_into_a_missing_folder_is_refused(
    make_demo: Callable[[], Demo], home: Path
) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statements(pilot)
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-path", Input).value = "~/nowhere/x.csv"
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.state == "choose"
        assert dialog.query_one("#export-error", Banner).text == (
            "フォルダ「~/nowhere」が見つかりません。"
        )
        assert not (home / "nowhere").exists()


async def test_cancelled_export_leaves_no_file(
    make_demo: Callable[[], Demo], home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    backend_demo = make_demo()
    backend, gate = gated_backend(backend_demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-path", Input).value = str(out / "cards.csv")
        await pilot.press("enter")
        # The first 500 rows are written; the second page is held.
        await until(pilot, lambda: gate.held == 1)
        await pilot.pause()
        assert dialog.state == "running"
        assert [p.name for p in out.iterdir()] == ["cards.csv.part"]
        api = await member_client(backend_demo)
        page = await api.statements(kind="card", limit=500)
        oldest = format_date(page.items[-1].occurred_at, "ja")
        assert dialog.query_one("#export-rows", Label).content == f"500件（{oldest}まで）"
        await api.aclose()
        await pilot.press("escape")
        await settle(pilot)
        assert dialog.state == "cancelled"
        assert list(out.iterdir()) == []
        assert dialog.query_one("#export-outcome", Prose).text == (
            "中止しました。ファイルは保存していません。"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


# --- electronic delivery -----------------------------------------------------------------------


async def test_consent_toggle_changes_the_server_state(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statements(pilot)
        line = screen.query_one("#statements-delivery", Label)
        assert line.content == "電子交付: 同意済み（2016年12月1日(木)から）。明細書は郵送しません。"
        api = await member_client(demo)
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeliveryDialog)
        await pilot.press("enter")  # the focused button: withdraw, which asks first
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert [line.text for line in question.query(Prose)] == [
            "今後発行する明細書などの書面は、会員ページでの交付ではなく郵送でお届けします。"
        ]
        await pilot.press("enter")  # the focused choice keeps the consent
        await settle(pilot)
        assert app.screen is dialog
        assert (await api.electronic_delivery()).consent is True
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("tab", "enter")  # "同意を取り消す", chosen on purpose
        await settle(pilot)
        state = await api.electronic_delivery()
        assert state.consent is False
        assert state.updated_at == FIXED_NOW
        assert dialog.query_one("#delivery-result", Banner).text == (
            "電子交付の同意を取り消しました。今後の明細書は郵送でお届けします。"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert line.content == "電子交付: 同意していません。明細書は郵送でお届けしています。"

        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")  # give it again: asked too, the post changes either way
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert (await api.electronic_delivery()).consent is False
        await pilot.press("enter", "tab", "enter")
        await settle(pilot)
        state = await api.electronic_delivery()
        assert state.consent is True
        assert state.consented_at == FIXED_NOW
        await pilot.press("escape")
        await settle(pilot)
        assert line.content == "電子交付: 同意済み（2026年12月2日(水)から）。明細書は郵送しません。"
        await api.aclose()


# --- snapshots ---------------------------------------------------------------------------------

Step = Callable[[Pilot[Any]], Awaitable[None]]


def statements_then(*keys: str, member: str = HISTORY) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await open_statements(pilot, member)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize(
    ("kind_key", "lang"),
    [("1", "ja"), ("2", "ja"), ("3", "ja"), ("1", "en")],
    ids=["loan-ja", "repayment-ja", "card-ja", "loan-en"],
)
def test_statements_tab(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], kind_key: str, lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=statements_then(kind_key))


@pytest.mark.parametrize(
    ("kind_key", "lang"),
    [("1", "ja"), ("2", "ja"), ("3", "ja"), ("1", "en")],
    ids=["loan-ja", "repayment-ja", "card-ja", "loan-en"],
)
def test_statement_detail(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], kind_key: str, lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=statements_then(kind_key, "enter"))


def test_export_progress(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], home: Path
) -> None:
    backend, gate = gated_backend(make_demo())

    async def run(pilot: Pilot[Any]) -> None:
        await statements_then("3")(pilot)
        await choose_custom(pilot, "2024-12-02", "2026-12-01")
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: gate.held == 1)
        await pilot.pause()

    # The app exits with the export held: cancelling it removes the partial file.
    assert snap_compare(make_app(backend, lang="ja"), run_before=run)
    assert not list(home.glob("*.part"))


def test_export_done(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], fixed_home: Path
) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=statements_then("f8", "enter"))
    assert (fixed_home / "acom-loan-10000010-all_2026-12-02.csv").exists()


def test_delivery_dialog(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=statements_then("f4"))
