"""The CSV export without the UI: cells, headers, file names, never overwriting, aborting."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from acom_contract.schemas import JST, Lender, Statement
from acom_tui.export import (
    COLUMNS,
    CsvExport,
    ascii_bar,
    cell_values,
    default_export_dir,
    export_filename,
    export_progress,
    free_path,
    header,
    resolve_target,
)

LENDER = Lender(
    name="デモ貸金株式会社（架空）",
    address="東京都千代田区丸の内0丁目0番0号（架空）",
    registration_number="関東財務局長(00)第00000号",
    name_en="Demo Lending Co., Ltd. (fictional)",
    address_en="0-0-0 Marunouchi, Chiyoda-ku, Tokyo (fictional)",
    registration_number_en="Director-General of the Kanto Local Finance Bureau (00) No. 00000",
)
# What makes a loan or repayment statement the notice of 貸金業法 §17/§18.
NOTICE: dict[str, Any] = {
    "lender": LENDER,
    "contract_number": "10000010-001",
    "contract_date": date(2016, 12, 2),
    "late_interest_rate": Decimal("20.0"),
    "repayment_method_code": "fixed_rate_revolving",
    "repayment_cycle": "35days",
}
NOTICE_JA = [
    "定率リボルビング方式（35日ごとのご返済）",
    "20.0",
    "10000010-001",
    "2016-12-02",
    "デモ貸金株式会社（架空）",
    "東京都千代田区丸の内0丁目0番0号（架空）",
    "関東財務局長(00)第00000号",
]
LOAN = Statement(
    id="loan_5991",
    kind="loan",
    occurred_at=datetime(2026, 11, 9, 21, 52, tzinfo=JST),
    amount=442_000,
    balance_after=442_000,
    interest_rate=Decimal("15.0"),
    repayment_method="定率リボルビング方式 (35日ごと払い)",
    next_due_date=date(2026, 12, 14),
    next_due_amount=14_000,
    lender_registration="貸金業登録番号 関東財務局長(00)第00000号",
    expected_payments=41,
    expected_last_due_date=date(2030, 9, 18),
    description="振込による借入れ 楽天銀行",
    **NOTICE,
)
REPAYMENT = Statement(
    id="repayment_5982",
    kind="repayment",
    # 01:26 UTC is 10:26 in Japan: the CSV is in Japan time whatever the zone given.
    occurred_at=datetime.fromisoformat("2026-11-02T01:26:00+00:00"),
    amount=1_010_680,
    balance_after=0,
    next_due_date=None,
    next_due_amount=0,
    late_interest=0,
    interest=13_096,
    principal=997_584,
    received_on=date(2026, 11, 2),
    remaining_debt=0,
    description="振込による返済 楽天銀行",
    **NOTICE,
)
CARD = Statement(
    id="card_6019",
    kind="card",
    occurred_at=datetime(2026, 12, 1, 11, 8, tzinfo=JST),
    amount=1_290,
    merchant="コンビニ デモマート",
    description="ショッピング 1回払い",
)


def read_csv(path: Path) -> tuple[bytes, list[list[str]]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    return raw, list(csv.reader(io.StringIO(text, newline="")))


# --- cells and headers ---------------------------------------------------------------------


def test_loan_row_has_every_item_as_plain_values() -> None:
    assert cell_values(LOAN, "loan") == [
        "loan_5991",
        "2026-11-09",
        "21:52:00",
        "442000",
        "15.0",
        "442000",
        "2026-12-14",
        "14000",
        "41",
        "2030-09-18",
        "振込による借入れ 楽天銀行",
        *NOTICE_JA,
    ]


def test_notice_words_follow_the_language_of_the_file() -> None:
    english = cell_values(LOAN, "loan", "en")
    assert english[-7:] == [
        "Fixed-rate revolving (a repayment every 35 days)",
        "20.0",
        "10000010-001",
        "2016-12-02",
        "Demo Lending Co., Ltd. (fictional)",
        "0-0-0 Marunouchi, Chiyoda-ku, Tokyo (fictional)",
        "Director-General of the Kanto Local Finance Bureau (00) No. 00000",
    ]
    assert header("loan", "en")[-7:] == [
        "Repayment method",
        "Late interest rate (%)",
        "Contract no.",
        "Contract date",
        "Lender",
        "Lender's address",
        "Lender's registration",
    ]
    monthly = LOAN.model_copy(update={"repayment_cycle": "monthly", "monthly_due_day": 25})
    assert cell_values(monthly, "loan")[-7] == "定率リボルビング方式（毎月25日のご返済）"


def test_repayment_row_is_in_japan_time_and_keeps_zero_amounts() -> None:
    assert cell_values(REPAYMENT, "repayment") == [
        "repayment_5982",
        "2026-11-02",
        "10:26:00",
        "2026-11-02",
        "1010680",
        "0",
        "13096",
        "997584",
        "0",
        "0",
        "",
        "0",
        "振込による返済 楽天銀行",
        *NOTICE_JA,
    ]


def test_card_row() -> None:
    assert cell_values(CARD, "card") == [
        "card_6019",
        "2026-12-01",
        "11:08:00",
        "コンビニ デモマート",
        "ショッピング 1回払い",
        "1290",
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_text_that_excel_would_run_as_a_formula_is_quoted(start: str) -> None:
    hostile = CARD.model_copy(update={"merchant": f"{start}HYPERLINK(1)"})
    assert cell_values(hostile, "card")[3] == f"'{start}HYPERLINK(1)"


def test_headers_follow_the_language_asked_for_not_the_ui() -> None:
    assert header("card", "ja") == ["明細番号", "日付", "時刻", "ご利用先", "摘要", "金額"]
    assert header("card", "en") == [
        "Statement no.",
        "Date",
        "Time",
        "Merchant",
        "Description",
        "Amount (JPY)",
    ]
    for kind, columns in COLUMNS.items():
        assert len(header(kind, "ja")) == len(columns) == len(header(kind, "en"))


# --- names and places ------------------------------------------------------------------------


def test_file_names_say_kind_member_and_period() -> None:
    today = date(2026, 12, 2)
    assert export_filename("loan", "10000001", date(2026, 6, 1), date(2026, 12, 1), today) == (
        "acom-loan-10000001-2026-06-01_2026-12-01.csv"
    )
    # No end: up to today. No start: "all" (from the first statement).
    assert export_filename("loan", "10000001", date(2026, 9, 2), None, today) == (
        "acom-loan-10000001-2026-09-02_2026-12-02.csv"
    )
    assert export_filename("card", "10000010", None, None, today) == (
        "acom-card-10000010-all_2026-12-02.csv"
    )
    assert export_filename("repayment", "10000010", None, date(2025, 1, 31), today) == (
        "acom-repayment-10000010-all_2025-01-31.csv"
    )
    # Two members' files in one folder never share a name.
    assert export_filename("card", "10000001", None, None, today) != export_filename(
        "card", "10000010", None, None, today
    )


def test_default_dir_is_the_first_existing_candidate(tmp_path: Path) -> None:
    downloads = tmp_path / "Downloads"
    cwd = tmp_path / "work"
    assert default_export_dir([downloads], cwd) == cwd
    downloads.mkdir()
    assert default_export_dir([None, downloads], cwd) == downloads


def test_typed_paths(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    name = "acom-card-all-20261202.csv"
    assert resolve_target("", tmp_path, name) == tmp_path / name
    assert resolve_target("  out  ", tmp_path, name) == folder / name
    assert resolve_target(str(folder), tmp_path, name) == folder / name
    assert resolve_target(str(folder / "mine"), tmp_path, name) == folder / "mine.csv"
    assert resolve_target("out/mine.txt", tmp_path, name) == folder / "mine.txt"
    with pytest.raises(FileNotFoundError) as missing:
        resolve_target(str(tmp_path / "missing" / "x.csv"), tmp_path, name)
    assert missing.value.filename == str(tmp_path / "missing")


def test_typed_path_with_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_target("~/x.csv", Path("/nowhere"), "n.csv") == tmp_path / "x.csv"


def test_free_path_numbers_taken_names(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    assert free_path(target) == target
    target.write_text("")
    (tmp_path / "a-2.csv").write_text("")
    assert free_path(target) == tmp_path / "a-3.csv"


# --- writing ---------------------------------------------------------------------------------


def test_export_writes_bom_header_crlf_and_rows(tmp_path: Path) -> None:
    target = tmp_path / "card.csv"
    with CsvExport(target, "card", "ja") as export:
        assert export.write([CARD, CARD.model_copy(update={"id": "card_6018"})]) == 2
        result = export.finish()
    assert result.path == target
    assert result.rows == 2
    assert not result.renamed
    raw, rows = read_csv(target)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert rows[0] == header("card", "ja")
    assert rows[1][3] == "コンビニ デモマート"
    assert [r[0] for r in rows[1:]] == ["card_6019", "card_6018"]
    assert list(tmp_path.iterdir()) == [target]


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "loan.csv"
    target.write_text("mine", encoding="utf-8")
    with CsvExport(target, "loan", "en") as export:
        export.write([LOAN])
        result = export.finish()
    assert result.path == tmp_path / "loan-2.csv"
    assert result.renamed
    assert target.read_text(encoding="utf-8") == "mine"
    _raw, rows = read_csv(result.path)
    assert rows[0][0] == "Statement no."
    assert len(rows) == 2


def test_leaving_without_finish_removes_the_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "loan.csv"
    with (
        pytest.raises(RuntimeError, match="walk failed"),
        CsvExport(target, "loan", "ja") as export,
    ):
        export.write([LOAN])
        part = export.part_path
        assert part is not None
        assert part.name == "loan.csv.part"
        assert part.exists()
        raise RuntimeError("walk failed")
    assert list(tmp_path.iterdir()) == []


def test_writing_before_open_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        CsvExport(tmp_path / "x.csv", "card", "ja").write([CARD])


# --- progress --------------------------------------------------------------------------------


def test_progress_runs_from_the_end_of_the_period_back_to_its_start() -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=JST)
    start = date(2026, 11, 2)  # 30 days and 10 hours before now
    half = datetime(2026, 11, 17, 5, 0, tzinfo=JST)  # 15 days 5 hours before now
    assert export_progress(half, start, None, now) == pytest.approx(0.5)
    assert export_progress(now, start, None, now) == 0.0
    assert export_progress(datetime(2026, 11, 2, 0, 0, tzinfo=JST), start, None, now) == 1.0
    # The end is the day after `to` at midnight when that is before now.
    end_of_oct = datetime(2026, 10, 16, 12, 0, tzinfo=JST)
    assert export_progress(end_of_oct, date(2026, 10, 1), date(2026, 10, 31), now) == (
        pytest.approx(0.5)
    )
    assert export_progress(half, None, None, now) is None


def test_ascii_bar() -> None:
    assert ascii_bar(0.5, 12) == "[#####.....]"
    assert ascii_bar(1.0, 6) == "[####]"
    assert ascii_bar(None, 6) == "[....]"
    assert ascii_bar(2.0, 4) == "[##]"
