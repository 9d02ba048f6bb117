"""Statements to CSV: columns, cell values, file names and a writer that never half-saves.

Pure and UI-free, so it is tested without Textual. The file is what a cardholder opens in
Excel: UTF-8 with a BOM (without it Excel reads Japanese as Shift_JIS and shows mojibake),
CRLF line ends, headers in the UI language, money as plain integers (``120000``, no
separator or yen sign, so that the cells are numbers), dates and times in ISO 8601 and
Japan time (``2026-12-01`` and ``14:05:00``: Excel recognises both).

Nothing is ever overwritten: rows go to ``<name>.part`` (created exclusively) and only a
finished export is given its final name, the first of ``name.csv``, ``name-2.csv``, ...
that does not exist yet. A cancelled or failed export removes its partial file.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal, TextIO

from acom_contract.jst import to_jst
from acom_tui.i18n import Language, catalogue
from acom_tui.statement_notice import lender_values, method_text

if TYPE_CHECKING:
    from acom_contract.schemas import Statement, StatementKind

__all__ = [
    "COLUMNS",
    "FILE_PREFIX",
    "CsvExport",
    "ExportResult",
    "FolderProblem",
    "ascii_bar",
    "cell_values",
    "check_folder",
    "default_export_dir",
    "export_filename",
    "export_progress",
    "folder_problem",
    "free_path",
    "header",
    "resolve_target",
]

FILE_PREFIX: Final = "acom"
PART_SUFFIX: Final = ".part"
# How many names ``free_path`` tries before giving up (name-2 ... name-999).
_MAX_SUFFIX: Final = 999

# The columns of each kind, in order: the legal items of its statement (SPEC 2.9) plus the
# statement id, which the support desk asks for; a loan and a repayment end with the items
# that make them the notices of 貸金業法 §17/§18 (``acom_tui.statement_notice``). Header
# texts: ``statements.csv.<column>``.
_NOTICE: Final = (
    "repayment_method",
    "late_interest_rate",
    "contract_number",
    "contract_date",
    "lender_name",
    "lender_address",
    "lender_registration_number",
)
COLUMNS: Final[dict[StatementKind, tuple[str, ...]]] = {
    "loan": (
        "id",
        "date",
        "time",
        "amount",
        "interest_rate",
        "balance_after",
        "next_due_date",
        "next_due_amount",
        "expected_payments",
        "expected_last_due_date",
        "description",
        *_NOTICE,
    ),
    "repayment": (
        "id",
        "date",
        "time",
        "received_on",
        "amount",
        "late_interest",
        "interest",
        "principal",
        "balance_after",
        "remaining_debt",
        "next_due_date",
        "next_due_amount",
        "description",
        *_NOTICE,
    ),
    "card": ("id", "date", "time", "merchant", "description", "amount"),
}

# A text cell starting with one of these is a formula to Excel (CSV injection): a merchant
# name from a card network is not ours to trust.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def header(kind: StatementKind, lang: Language) -> list[str]:
    """The header row of ``kind`` in ``lang`` (independent of the UI's current language)."""
    texts = catalogue(lang)
    return [texts[f"statements.csv.{column}"] for column in COLUMNS[kind]]


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _cell(statement: Statement, column: str, lang: Language) -> str:
    if column == "date":
        return to_jst(statement.occurred_at).date().isoformat()
    if column == "time":
        return to_jst(statement.occurred_at).strftime("%H:%M:%S")
    if column == "repayment_method":
        return _text(method_text(statement, lang))
    if column.startswith("lender_"):
        name, address, number = lender_values(statement.lender, lang)
        values = {"lender_name": name, "lender_address": address}
        return _text(values.get(column, number))
    value = getattr(statement, column)
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(f"{column} is not a statement value")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # A rate: the number of percent, as published ("18.0").
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return _text(str(value))


def cell_values(statement: Statement, kind: StatementKind, lang: Language = "ja") -> list[str]:
    """One CSV row of ``statement`` in the columns of ``kind``; words (the repayment
    method, the lender) in ``lang``, as the header."""
    return [_cell(statement, column, lang) for column in COLUMNS[kind]]


# --- where the file goes --------------------------------------------------------------------


def default_export_dir(candidates: Sequence[Path | None], fallback: Path) -> Path:
    """The first candidate that is an existing directory, else ``fallback``.

    The screen passes the user's Downloads directory (platformdirs: ``~/Downloads``, or
    the folder ``xdg-user-dirs`` names) and the current directory as the fallback, as a
    command-line tool would: a server reached over SSH often has no Downloads, and the
    app's own data directory is no place a person looks for a file (nor always writable).
    """
    for candidate in candidates:
        if candidate is not None and candidate.is_dir():
            return candidate
    return fallback


def export_filename(
    kind: StatementKind,
    member_number: str,
    date_from: date | None,
    date_to: date | None,
    today: date,
) -> str:
    """``acom-loan-10000001-2026-06-01_2026-12-01.csv``: what, whose, which period.

    Two members' exports in one Downloads folder never share a name. The period is
    ``<first day>_<last day>`` in ISO dates (sorts by date in a listing); with no start
    date it is ``all_<last day>``, and with no end date the last day is today.
    """
    end = (date_to or today).isoformat()
    start = date_from.isoformat() if date_from is not None else "all"
    whose = f"-{member_number}" if member_number else ""
    return f"{FILE_PREFIX}-{kind}{whose}-{start}_{end}.csv"


FolderProblem = Literal["missing", "not_writable", "disk_full", "other"]
_MISSING: Final = frozenset({errno.ENOENT, errno.ENOTDIR})
_NOT_WRITABLE: Final = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_FULL: Final = frozenset({errno.ENOSPC, errno.EDQUOT})


def folder_problem(error: OSError) -> FolderProblem:
    """What an ``OSError`` means to the person choosing a folder."""
    if isinstance(error, FileNotFoundError) or error.errno in _MISSING:
        return "missing"
    if isinstance(error, PermissionError) or error.errno in _NOT_WRITABLE:
        return "not_writable"
    if error.errno in _FULL:
        return "disk_full"
    return "other"


def check_folder(folder: Path) -> None:
    """Raise the ``OSError`` a write into ``folder`` would meet, before any row is fetched.

    ``FileNotFoundError`` when it is not a directory, ``PermissionError`` when this user
    cannot create a file in it (``os.access``: the permission bits, a read-only mount).
    """
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))


def resolve_target(typed: str, default_dir: Path, filename: str) -> Path:
    """The file a typed path means; an empty path is the default directory and name.

    ``~`` is expanded; a relative path is taken from ``default_dir`` (the terminal's
    working directory is rarely where a cardholder looks); an existing directory gets the
    default name inside it; a name without a suffix gets ``.csv``. Raises
    ``FileNotFoundError`` (its ``filename`` the folder) when the directory does not exist:
    a typo must not create folders.
    """
    text = typed.strip()
    if not text:
        return default_dir / filename
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = default_dir / path
    if path.is_dir() or text.endswith(("/", os.sep)):
        path = path / filename
    elif not path.suffix:
        path = path.with_name(path.name + ".csv")
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path.parent))
    return path


def _numbered(path: Path, number: int) -> Path:
    return path if number == 1 else path.with_name(f"{path.stem}-{number}{path.suffix}")


def free_path(path: Path, exists: Callable[[Path], bool] = Path.exists) -> Path:
    """``path``, or ``name-2.csv``, ``name-3.csv``, ... : the first name not taken."""
    for number in range(1, _MAX_SUFFIX + 1):
        candidate = _numbered(path, number)
        if not exists(candidate):
            return candidate
    raise FileExistsError(str(path))


# --- progress ---------------------------------------------------------------------------------


def export_progress(
    oldest: datetime, date_from: date | None, date_to: date | None, now: datetime
) -> float | None:
    """How far an export has come, 0..1, from the time of the oldest row written so far.

    Rows arrive newest first, so the walk goes from the end of the period back to its
    start. With no start (the whole history) the distance is unknown: None.
    """
    if date_from is None:
        return None
    zone = now.tzinfo
    start = datetime.combine(date_from, datetime.min.time(), zone)
    end = now
    if date_to is not None:
        end = min(end, datetime.combine(date_to + timedelta(days=1), datetime.min.time(), zone))
    span = (end - start).total_seconds()
    if span <= 0:
        return 1.0
    done = (end - oldest).total_seconds() / span
    return min(1.0, max(0.0, done))


def ascii_bar(fraction: float | None, width: int) -> str:
    """``[#######.......]`` in ASCII (Textual's bar glyphs are East-Asian-ambiguous).

    ``None`` (distance unknown) draws an empty track.
    """
    inner = max(width - 2, 1)
    filled = 0 if fraction is None else round(min(max(fraction, 0.0), 1.0) * inner)
    return "[" + "#" * filled + "." * (inner - filled) + "]"


# --- the writer -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int
    renamed: bool
    """True when the name asked for was taken and a numbered one was used."""


class CsvExport:
    """Writes one export: ``with CsvExport(path, kind, lang) as out: out.write(rows)``.

    Leaving the block without :meth:`finish` (cancelled, failed) removes the partial file.
    """

    def __init__(self, target: Path, kind: StatementKind, lang: Language) -> None:
        self.target = target
        self.kind: StatementKind = kind
        self.lang: Language = lang
        self.rows = 0
        self._part: Path | None = None
        self._file: TextIO | None = None
        self._writer: Any = None
        self.result: ExportResult | None = None

    @property
    def part_path(self) -> Path | None:
        return self._part

    def open(self) -> None:
        part = free_path(self.target.with_name(self.target.name + PART_SUFFIX))
        # O_EXCL: never truncate a file that appeared since free_path looked. 0600: the
        # statements are the cardholder's, not every local user's.
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = open(fd, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - kept open across write()
        self._part = part
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._writer.writerow(header(self.kind, self.lang))

    def write(self, statements: Iterable[Statement]) -> int:
        """Append rows; returns how many were written by this call."""
        if self._writer is None:
            raise RuntimeError("the export is not open")
        count = 0
        for statement in statements:
            self._writer.writerow(cell_values(statement, self.kind, self.lang))
            count += 1
        self.rows += count
        return count

    def finish(self) -> ExportResult:
        """Close the file and give it its final name (the first free one)."""
        if self._file is None or self._part is None:
            raise RuntimeError("the export is not open")
        self._file.close()
        self._file = None
        part, self._part = self._part, None
        final = _claim(part, self.target)
        self.result = ExportResult(final, self.rows, renamed=final != self.target)
        return self.result

    def abort(self) -> None:
        """Close and remove the partial file (nothing is left behind)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._part is not None:
            with contextlib.suppress(FileNotFoundError):
                self._part.unlink()
            self._part = None

    def __enter__(self) -> CsvExport:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.result is None:
            self.abort()


def _claim(part: Path, target: Path) -> Path:
    """Move ``part`` to the first free name of ``target`` without ever replacing a file.

    A hard link fails when the name exists (``rename`` would silently replace it); on a
    file system without hard links, fall back to a rename of a name just checked free.
    """
    for number in range(1, _MAX_SUFFIX + 1):
        candidate = _numbered(target, number)
        try:
            os.link(part, candidate)
        except FileExistsError:
            continue
        except OSError:
            if candidate.exists():
                continue
            part.rename(candidate)
            return candidate
        part.unlink()
        return candidate
    raise FileExistsError(str(target))
