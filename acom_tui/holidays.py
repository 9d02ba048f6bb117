"""Japanese public holidays (国民の祝日, with 振替休日 and 国民の休日), 2025-2028.

From the Cabinet Office list; the 2027-2028 equinoxes are the National Astronomical
Observatory's forecast. One table for the client (support-desk hours) and the mock server
(bank business days). Outside these years only weekends count as closed days.
"""

from __future__ import annotations

from datetime import date
from typing import Final

HOLIDAYS: Final[dict[date, str]] = {
    date(2025, 1, 1): "元日",
    date(2025, 1, 13): "成人の日",
    date(2025, 2, 11): "建国記念の日",
    date(2025, 2, 23): "天皇誕生日",
    date(2025, 2, 24): "振替休日",
    date(2025, 3, 20): "春分の日",
    date(2025, 4, 29): "昭和の日",
    date(2025, 5, 3): "憲法記念日",
    date(2025, 5, 4): "みどりの日",
    date(2025, 5, 5): "こどもの日",
    date(2025, 5, 6): "振替休日",
    date(2025, 7, 21): "海の日",
    date(2025, 8, 11): "山の日",
    date(2025, 9, 15): "敬老の日",
    date(2025, 9, 23): "秋分の日",
    date(2025, 10, 13): "スポーツの日",
    date(2025, 11, 3): "文化の日",
    date(2025, 11, 23): "勤労感謝の日",
    date(2025, 11, 24): "振替休日",
    date(2026, 1, 1): "元日",
    date(2026, 1, 12): "成人の日",
    date(2026, 2, 11): "建国記念の日",
    date(2026, 2, 23): "天皇誕生日",
    date(2026, 3, 20): "春分の日",
    date(2026, 4, 29): "昭和の日",
    date(2026, 5, 3): "憲法記念日",
    date(2026, 5, 4): "みどりの日",
    date(2026, 5, 5): "こどもの日",
    date(2026, 5, 6): "振替休日",
    date(2026, 7, 20): "海の日",
    date(2026, 8, 11): "山の日",
    date(2026, 9, 21): "敬老の日",
    date(2026, 9, 22): "国民の休日",
    date(2026, 9, 23): "秋分の日",
    date(2026, 10, 12): "スポーツの日",
    date(2026, 11, 3): "文化の日",
    date(2026, 11, 23): "勤労感謝の日",
    date(2027, 1, 1): "元日",
    date(2027, 1, 11): "成人の日",
    date(2027, 2, 11): "建国記念の日",
    date(2027, 2, 23): "天皇誕生日",
    date(2027, 3, 21): "春分の日",
    date(2027, 3, 22): "振替休日",
    date(2027, 4, 29): "昭和の日",
    date(2027, 5, 3): "憲法記念日",
    date(2027, 5, 4): "みどりの日",
    date(2027, 5, 5): "こどもの日",
    date(2027, 7, 19): "海の日",
    date(2027, 8, 11): "山の日",
    date(2027, 9, 20): "敬老の日",
    date(2027, 9, 23): "秋分の日",
    date(2027, 10, 11): "スポーツの日",
    date(2027, 11, 3): "文化の日",
    date(2027, 11, 23): "勤労感謝の日",
    date(2028, 1, 1): "元日",
    date(2028, 1, 10): "成人の日",
    date(2028, 2, 11): "建国記念の日",
    date(2028, 2, 23): "天皇誕生日",
    date(2028, 3, 20): "春分の日",
    date(2028, 4, 29): "昭和の日",
    date(2028, 5, 3): "憲法記念日",
    date(2028, 5, 4): "みどりの日",
    date(2028, 5, 5): "こどもの日",
    date(2028, 7, 17): "海の日",
    date(2028, 8, 11): "山の日",
    date(2028, 9, 18): "敬老の日",
    date(2028, 9, 22): "秋分の日",
    date(2028, 10, 9): "スポーツの日",
    date(2028, 11, 3): "文化の日",
    date(2028, 11, 23): "勤労感謝の日",
}


def is_public_holiday(day: date) -> bool:
    return day in HOLIDAYS
