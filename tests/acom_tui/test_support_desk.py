from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from acom_contract.jst import JST
from acom_tui import i18n
from acom_tui.support_desk import (
    DeskStatus,
    describe_desk_status,
    desk_status,
)

NEW_YORK = timezone(timedelta(hours=-5))


def jst(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=JST)


@pytest.fixture(params=["EST+05EDT,M3.2.0,M11.1.0", "UTC0"])
def host_tz(request: pytest.FixtureRequest) -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def language() -> Iterator[None]:
    before = i18n.get_language(), i18n.STRICT
    i18n.STRICT = True
    yield
    i18n.set_language(before[0])
    i18n.STRICT = before[1]


# 4 December 2026 is a Friday; Monday the 7th is an ordinary working day.
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (jst(2026, 12, 4, 17, 59, 59), DeskStatus(True, None, jst(2026, 12, 4, 18, 0))),
        (jst(2026, 12, 4, 18, 0, 0), DeskStatus(False, jst(2026, 12, 7, 9, 0), None)),
        (jst(2026, 12, 5, 12, 0), DeskStatus(False, jst(2026, 12, 7, 9, 0), None)),
        (jst(2026, 12, 6, 23, 59, 59), DeskStatus(False, jst(2026, 12, 7, 9, 0), None)),
        (jst(2026, 12, 7, 8, 59), DeskStatus(False, jst(2026, 12, 7, 9, 0), None)),
        (jst(2026, 12, 7, 8, 59, 59, 999999), DeskStatus(False, jst(2026, 12, 7, 9, 0), None)),
        (jst(2026, 12, 7, 9, 0), DeskStatus(True, None, jst(2026, 12, 7, 18, 0))),
        (jst(2026, 12, 7, 0, 0), DeskStatus(False, jst(2026, 12, 7, 9, 0), None)),
        (jst(2026, 12, 8, 18, 30), DeskStatus(False, jst(2026, 12, 9, 9, 0), None)),
    ],
)
def test_desk_hours_in_japan_time(now: datetime, expected: DeskStatus) -> None:
    assert desk_status(now) == expected


@pytest.mark.usefixtures("host_tz")
@pytest.mark.parametrize(
    ("now", "is_open", "opens_at"),
    [
        # Friday 17:59:59 JST, written in UTC and in New York time.
        (datetime(2026, 12, 4, 8, 59, 59, tzinfo=UTC), True, None),
        (datetime(2026, 12, 4, 3, 59, 59, tzinfo=NEW_YORK), True, None),
        # Friday 18:00 JST = Friday 09:00 UTC: a UTC reading would call the desk open.
        (datetime(2026, 12, 4, 9, 0, tzinfo=UTC), False, jst(2026, 12, 7, 9, 0)),
        # Sunday 19:00 in New York is Monday 09:00 in Japan.
        (datetime(2026, 12, 6, 19, 0, tzinfo=NEW_YORK), True, None),
        # Monday 08:59 JST is still Sunday in UTC.
        (datetime(2026, 12, 6, 23, 59, tzinfo=UTC), False, jst(2026, 12, 7, 9, 0)),
    ],
)
def test_any_zone_is_judged_in_japan_time(
    now: datetime, is_open: bool, opens_at: datetime | None
) -> None:
    status = desk_status(now)
    assert status.open is is_open
    assert status.opens_at == opens_at
    for moment in (status.opens_at, status.closes_at):
        assert moment is None or moment.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    ("now", "opens_at"),
    [
        # Silver week 2026: 敬老の日, 国民の休日 and 秋分の日 in a row.
        (jst(2026, 9, 18, 18, 0), jst(2026, 9, 24, 9, 0)),
        # Golden week 2026, with 振替休日 on Wednesday the 6th.
        (jst(2026, 5, 2, 10, 0), jst(2026, 5, 7, 9, 0)),
        # 春分の日 2027 is a Sunday, so Monday the 22nd is 振替休日.
        (jst(2027, 3, 19, 18, 30), jst(2027, 3, 23, 9, 0)),
        # 元日 2027 is a Friday.
        (jst(2027, 1, 1, 10, 0), jst(2027, 1, 4, 9, 0)),
        # A holiday morning before 09:00 does not open "today".
        (jst(2026, 11, 23, 8, 0), jst(2026, 11, 24, 9, 0)),
    ],
)
def test_holidays_keep_the_desk_closed(now: datetime, opens_at: datetime) -> None:
    assert desk_status(now) == DeskStatus(False, opens_at, None)


def test_year_end_is_not_a_closure() -> None:
    # Only national holidays are modelled (docs/i18n.md): 31 December is a Thursday.
    assert desk_status(jst(2026, 12, 31, 10, 0)).open is True


def test_holidays_of_later_years_close_the_desk() -> None:
    # 1 January 2030 is a Tuesday and a holiday; Wednesday 2 January opens at 09:00.
    assert desk_status(jst(2030, 1, 1, 10, 0)) == DeskStatus(False, jst(2030, 1, 2, 9, 0), None)
    # Mon 12 Feb 2029 is the substitute holiday for 建国記念の日 (a Sunday).
    assert desk_status(jst(2029, 2, 12, 10, 0)).open is False


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        desk_status(datetime(2026, 12, 4, 12, 0))


@pytest.mark.usefixtures("language")
@pytest.mark.parametrize(
    ("now", "ja", "en"),
    [
        (
            jst(2026, 12, 4, 17, 59, 59),
            "ただいま受付中です（本日18:00まで）。",
            "Open now (until 18:00 JST today).",
        ),
        (
            jst(2026, 12, 4, 18, 0),
            "ただいま受付時間外です。次の受付開始は2026年12月7日(月) 9:00です。",
            "Closed now. Opens Mon 7 Dec 2026 09:00 JST.",
        ),
        (
            jst(2026, 12, 7, 8, 59),
            "ただいま受付時間外です。次の受付開始は本日9:00です。",
            "Closed now. Opens today at 09:00 JST.",
        ),
    ],
)
def test_describe_desk_status(now: datetime, ja: str, en: str) -> None:
    status = desk_status(now)
    i18n.set_language("ja")
    assert describe_desk_status(status, now) == ja
    i18n.set_language("en")
    assert describe_desk_status(status, now) == en
