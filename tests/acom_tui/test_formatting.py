from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acom_contract.jst import JST, to_jst
from acom_tui.formatting import (
    format_countdown,
    format_date,
    format_datetime,
    format_duration_short,
    format_rate,
    format_time,
    format_yen,
)

NEW_YORK = timezone(timedelta(hours=-5))


@pytest.fixture(params=["EST+05EDT,M3.2.0,M11.1.0", "UTC0", "NZST-12NZDT,M9.5.0,M4.1.0/3"])
def host_tz(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test with the process timezone far from Japan, then put it back."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_host_tz_fixture_really_moves_the_clock(host_tz: str) -> None:
    expected_offset = {
        "EST+05EDT,M3.2.0,M11.1.0": 5 * 3600,
        "UTC0": 0,
        "NZST-12NZDT,M9.5.0,M4.1.0/3": -12 * 3600,
    }[host_tz]
    assert time.timezone == expected_offset


def test_jst_is_a_fixed_nine_hours() -> None:
    assert JST.utcoffset(None) == timedelta(hours=9)
    assert JST.tzname(None) == "JST"


# --- money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "ja", "en"),
    [
        (120_000, "120,000円", "¥120,000"),
        (0, "0円", "¥0"),
        (999, "999円", "¥999"),
        (1_000, "1,000円", "¥1,000"),
        (8_000_000, "8,000,000円", "¥8,000,000"),
        (-5_000, "-5,000円", "-¥5,000"),
        (-1, "-1円", "-¥1"),
    ],
)
def test_format_yen(amount: int, ja: str, en: str) -> None:
    assert format_yen(amount, "ja") == ja
    assert format_yen(amount, "en") == en


@pytest.mark.parametrize("bad", [1000.0, True, Decimal("1000"), "1000", None])
def test_format_yen_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_yen(bad, "ja")  # type: ignore[arg-type]


def test_format_yen_refuses_unknown_language() -> None:
    with pytest.raises(ValueError, match="fr"):
        format_yen(1, "fr")  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["ja", "en"]))
def test_format_yen_never_uses_ambiguous_width(amount: int, lang: str) -> None:
    text = format_yen(amount, lang)  # type: ignore[arg-type]
    assert all(unicodedata.east_asian_width(c) != "A" for c in text)
    assert int(text.replace(",", "").replace("円", "").replace("¥", "")) == amount


# --- rates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Decimal("18.0"), "18.0%"),
        (Decimal("18"), "18.0%"),
        (Decimal("15.00"), "15.0%"),
        (Decimal("4.75"), "4.75%"),
        (Decimal("0.5"), "0.5%"),
        (Decimal("20.000"), "20.0%"),
        (Decimal("1E+1"), "10.0%"),
        (Decimal("0"), "0.0%"),
    ],
)
def test_format_rate(rate: Decimal, text: str) -> None:
    assert format_rate(rate, "ja") == text
    assert format_rate(rate, "en") == text


def test_format_rate_refuses_float_and_nan() -> None:
    with pytest.raises(TypeError):
        format_rate(18.0, "ja")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        format_rate(Decimal("NaN"), "ja")


# --- dates and times -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "ja", "en"),
    [
        (date(2026, 12, 8), "2026年12月8日(火)", "Tue 8 Dec 2026"),
        (date(2027, 1, 1), "2027年1月1日(金)", "Fri 1 Jan 2027"),
        (date(2026, 5, 31), "2026年5月31日(日)", "Sun 31 May 2026"),
        (date(2028, 2, 29), "2028年2月29日(火)", "Tue 29 Feb 2028"),
    ],
)
def test_format_date(day: date, ja: str, en: str) -> None:
    assert format_date(day, "ja") == ja
    assert format_date(day, "en") == en


def test_format_date_of_a_datetime_uses_the_japan_date(host_tz: str) -> None:
    # 20:00 UTC on the 7th is already 05:00 on the 8th in Japan.
    moment = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    assert format_date(moment, "ja") == "2026年12月8日(火)"
    assert format_date(moment, "en") == "Tue 8 Dec 2026"


@pytest.mark.parametrize(
    ("moment", "ja", "en"),
    [
        (
            datetime(2026, 12, 8, 5, 30, tzinfo=UTC),
            "2026年12月8日(火) 14:30",
            "Tue 8 Dec 2026 14:30 JST",
        ),
        # Midnight in Japan: the date moves, the hour shows as 0 / 00.
        (
            datetime(2026, 12, 7, 15, 0, tzinfo=UTC),
            "2026年12月8日(火) 0:00",
            "Tue 8 Dec 2026 00:00 JST",
        ),
        (
            datetime(2026, 12, 7, 19, 5, tzinfo=NEW_YORK),
            "2026年12月8日(火) 9:05",
            "Tue 8 Dec 2026 09:05 JST",
        ),
        (
            datetime(2026, 12, 31, 23, 59, tzinfo=JST),
            "2026年12月31日(木) 23:59",
            "Thu 31 Dec 2026 23:59 JST",
        ),
    ],
)
def test_format_datetime_converts_to_japan_time(
    host_tz: str, moment: datetime, ja: str, en: str
) -> None:
    assert format_datetime(moment, "ja") == ja
    assert format_datetime(moment, "en") == en


def test_format_datetime_with_seconds() -> None:
    moment = datetime(2026, 12, 8, 1, 2, 3, tzinfo=JST)
    assert format_datetime(moment, "ja", seconds=True) == "2026年12月8日(火) 1:02:03"
    assert format_datetime(moment, "en", seconds=True) == "Tue 8 Dec 2026 01:02:03 JST"


def test_format_time() -> None:
    assert format_time(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "ja") == "9:00"
    assert format_time(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "en") == "09:00 JST"
    assert format_time(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), "ja") == "18:00"


def test_naive_datetimes_are_refused(host_tz: str) -> None:
    naive = datetime(2026, 12, 8, 12, 0)
    with pytest.raises(ValueError, match="aware"):
        format_datetime(naive, "ja")
    with pytest.raises(ValueError, match="aware"):
        format_date(naive, "en")
    with pytest.raises(ValueError, match="aware"):
        to_jst(naive)


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.timezones()
    )
)
def test_to_jst_keeps_the_instant(moment: datetime) -> None:
    converted = to_jst(moment)
    offset = moment.utcoffset()
    assert offset is not None
    # Compared as UTC wall times: == between zones is False for DST-gap times (PEP 495).
    utc_wall = moment.replace(tzinfo=None) - offset
    assert converted.replace(tzinfo=None) - timedelta(hours=9) == utc_wall
    assert converted.utcoffset() == timedelta(hours=9)


# --- countdowns and durations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "ja", "en"),
    [
        (5025, "1時間23分45秒", "1:23:45"),
        (3909, "1時間05分09秒", "1:05:09"),
        (14_400, "4時間00分00秒", "4:00:00"),
        (90_000, "25時間00分00秒", "25:00:00"),
        (309, "5分09秒", "5:09"),
        (60, "1分00秒", "1:00"),
        (59, "59秒", "0:59"),
        (9, "9秒", "0:09"),
        (0, "0秒", "0:00"),
        (-5, "0秒", "0:00"),
    ],
)
def test_format_countdown(seconds: int, ja: str, en: str) -> None:
    assert format_countdown(seconds, "ja") == ja
    assert format_countdown(seconds, "en") == en


@pytest.mark.parametrize(
    ("seconds", "ja", "en"),
    [
        (0, "0秒", "0 s"),
        (45, "45秒", "45 s"),
        (59, "59秒", "59 s"),
        (60, "1分", "1 min"),
        (61, "2分", "2 min"),
        (3599, "1時間", "1 h"),
        (3600, "1時間", "1 h"),
        (3601, "1時間1分", "1 h 1 min"),
        (5400, "1時間30分", "1 h 30 min"),
        (-3, "0秒", "0 s"),
    ],
)
def test_format_duration_short_rounds_up(seconds: int, ja: str, en: str) -> None:
    assert format_duration_short(seconds, "ja") == ja
    assert format_duration_short(seconds, "en") == en


@pytest.mark.parametrize("bad", [1.5, True, Decimal(3)])
def test_durations_refuse_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_countdown(bad, "ja")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_duration_short(bad, "en")  # type: ignore[arg-type]
