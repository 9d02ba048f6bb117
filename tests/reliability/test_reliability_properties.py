"""Property tests of the rule functions and normalisers that had only examples.

Each property is stated from the SPEC, independently of how the function computes it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from acom_contract import eligibility, money
from acom_contract.calendar import is_bank_business_day, is_weekday_business_day
from acom_contract.schemas import JST
from acom_tui.normalize import InputError, parse_email
from acom_tui.support_desk import desk_status
from mock_server.domain import lockout, maintenance, pin_rules

moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(JST)
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
pins = st.text(alphabet="0123456789", min_size=4, max_size=4)


# --- maintenance (SPEC 2.3) ----------------------------------------------------------------


def in_weekly_window(now: datetime) -> bool:
    local = now.astimezone(JST)
    return local.weekday() == 0 and time(1, 0) <= local.time() < time(5, 0)


@given(moments)
def test_the_weekly_window_is_monday_one_to_five(now: datetime) -> None:
    window = maintenance.current_window(now)
    assert (window is not None) is in_weekly_window(now)
    if window is not None:
        assert window.kind == "weekly" and window.contains(now)
        assert 1 <= maintenance.retry_after_seconds(now, window) <= 4 * 3600
        assert now + timedelta(seconds=maintenance.retry_after_seconds(now, window)) >= (
            window.ends_at
        )


@given(moments)
def test_the_next_window_starts_later_within_a_week(now: datetime) -> None:
    upcoming = maintenance.next_window(now)
    assert now < upcoming.starts_at <= now + timedelta(days=7)
    assert upcoming.starts_at.astimezone(JST).weekday() == 0
    assert upcoming.starts_at.astimezone(JST).time() == time(1, 0)
    start = maintenance.last_start(now)
    assert now - timedelta(days=7) < start <= now


@given(moments, st.integers(min_value=1, max_value=86_400), st.booleans())
def test_an_adhoc_window_in_force_wins(now: datetime, seconds: int, open_ended: bool) -> None:
    adhoc = maintenance.Window(
        "adhoc",
        now - timedelta(seconds=1),
        None if open_ended else now + timedelta(seconds=seconds),
    )
    assert maintenance.current_window(now, adhoc) == adhoc
    expected = 600 if open_ended else seconds
    assert maintenance.retry_after_seconds(now, adhoc) == expected


# --- lockout (SPEC 2.1) --------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=50))
def test_the_third_wrong_pin_locks(failed: int) -> None:
    outcome = lockout.register_failure(failed)
    assert outcome.failed_attempts == failed + 1
    assert outcome.locked is (failed + 1 >= 3)
    assert outcome.remaining_attempts == max(0, 3 - failed - 1)


# --- weak PINs (SPEC 2.14) -----------------------------------------------------------------


@given(pins)
def test_sequential_means_every_step_is_plus_or_minus_one(pin: str) -> None:
    steps = [(int(b) - int(a)) % 10 for a, b in pairwise(pin)]
    assert pin_rules.is_sequential(pin) is (
        all(s == 1 for s in steps) or all(s == 9 for s in steps)
    )


@given(pins, days, st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_weak_pin_reasons(pin: str, birthday: date, member_number: str) -> None:
    reason = pin_rules.weak_pin_reason(
        pin, birthday=birthday, member_number=member_number, phones=[]
    )
    if len(set(pin)) == 1:
        assert reason is pin_rules.WeakPinReason.REPEATED_DIGIT
    elif pin_rules.is_sequential(pin):
        assert reason is pin_rules.WeakPinReason.SEQUENTIAL
    elif pin == f"{birthday.month:02d}{birthday.day:02d}" or pin == f"{birthday.year:04d}":
        assert reason is pin_rules.WeakPinReason.BIRTHDAY
    # Whatever else it says, a PIN it lets through is none of the refused kinds.
    if reason is None:
        assert pin not in pin_rules.birthday_forms(birthday)
        assert pin != member_number[-4:]


@given(days, st.text(alphabet="0123456789", min_size=8, max_size=8), pins)
def test_the_members_own_numbers_are_refused(birthday: date, member_number: str, pin: str) -> None:
    phone = f"090-12{pin[:2]}-{pin}"
    assert (
        pin_rules.weak_pin_reason(
            member_number[-4:], birthday=birthday, member_number=member_number, phones=[]
        )
        is not None
    )
    assert (
        pin_rules.weak_pin_reason(
            pin, birthday=birthday, member_number=member_number, phones=[phone]
        )
        is not None
    )


@given(st.text(max_size=6).filter(lambda s: not (len(s) == 4 and s.isascii() and s.isdigit())))
def test_a_pin_that_is_not_four_digits_is_a_caller_error(text: str) -> None:
    with pytest.raises(ValueError, match="4 ASCII digits"):
        pin_rules.weak_pin_reason(text, birthday=date(1990, 1, 1), member_number="1", phones=[])


# --- money (SPEC 2.5, 2.6, 2.13) -----------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_ceil_to_1000(amount: int) -> None:
    up = money.ceil_to_1000(amount)
    assert up % 1000 == 0 and amount <= up < amount + 1000


@given(
    st.integers(min_value=0, max_value=8_000_000),
    st.integers(min_value=10_000, max_value=8_000_000),
    st.integers(min_value=0, max_value=9_000_000),
)
def test_minimum_payment(base: int, limit: int, payoff: int) -> None:
    paid = money.minimum_payment(base, limit, payoff)
    if base == 0 or payoff == 0:
        assert paid == 0
        return
    assert 0 < paid <= payoff
    percent = 42 if limit <= 300_000 else 30  # per mille: 4.2 % or 3.0 %
    if paid < payoff:
        assert paid % 1000 == 0
        assert paid * 1000 >= base * percent > (paid - 1000) * 1000


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_a_borrowing_amount_is_well_formed_in_1000_yen_units(amount: int) -> None:
    problem = eligibility.validate_borrow_amount(amount)
    assert (problem is None) is (amount >= 1000 and amount % 1000 == 0)


@given(
    st.integers(min_value=0, max_value=10**8), st.integers(min_value=10_000, max_value=8_000_000)
)
def test_a_requested_limit_is_well_formed(requested: int, current: int) -> None:
    problem = eligibility.validate_requested_limit(requested, current)
    ok = requested % 10_000 == 0 and requested <= 8_000_000 and requested > current
    assert (problem is None) is ok


@given(st.integers(min_value=0, max_value=10**10), st.integers(min_value=0, max_value=10**10))
def test_total_lending_limit_is_a_third_of_income(total: int, income: int) -> None:
    assert eligibility.within_total_lending_limit(total, income) is (total <= income / 3)


@given(moments, st.booleans())
def test_transfer_arrival(now: datetime, instant_bank: bool) -> None:
    kind, arrives = eligibility.transfer_arrival(now, instant_bank)
    clock = now.time()
    if instant_bank and time(0, 10) <= clock < time(23, 50):
        assert (kind, arrives) == ("instant", now + timedelta(minutes=1))
        return
    assert kind == "scheduled"
    assert now < arrives <= now + timedelta(days=12)  # the longest break is New Year
    assert arrives.time() == time(9, 30)
    assert is_bank_business_day(arrives.date())
    day = now.date()
    while day < arrives.date():  # no business day 09:30 was skipped
        slot = datetime.combine(day, time(9, 30), JST)
        assert slot <= now or not is_bank_business_day(day)
        day += timedelta(days=1)


# --- the support desk (SPEC 2.4) -----------------------------------------------------------


@given(moments)
def test_the_desk_is_open_on_business_days_nine_to_six(now: datetime) -> None:
    status = desk_status(now)
    local = now.astimezone(JST)
    expected = is_weekday_business_day(local.date()) and time(9, 0) <= local.time() < time(18, 0)
    assert status.open is expected
    if status.open:
        assert status.closes_at is not None and status.closes_at > now
    else:
        assert status.opens_at is not None and now < status.opens_at
        assert status.opens_at.time() == time(9, 0)
        assert is_weekday_business_day(status.opens_at.date())


# --- e-mail normalisation ------------------------------------------------------------------

local_parts = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-+", min_size=1, max_size=30)
labels = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
tlds = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6)


@given(local_parts, st.lists(labels, min_size=1, max_size=3), tlds)
def test_plain_addresses_are_accepted_and_domains_lower_cased(
    local: str, domain: list[str], tld: str
) -> None:
    address = f"{local}@{'.'.join([*domain, tld])}"
    assume(len(address) <= 254)
    assert parse_email(address).value == address
    shouted = f"{local}@{'.'.join([*domain, tld]).upper()}"
    parsed = parse_email(shouted)
    assert parsed.value == address and parsed.changed


@given(st.text(max_size=80))
def test_the_email_parser_only_raises_input_error(text: str) -> None:
    try:
        parsed = parse_email(text)
    except InputError as error:
        assert error.field == "email"
    else:
        assert "@" in parsed.value and parsed.value == parsed.value.strip()
