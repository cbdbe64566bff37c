"""Small calendar helpers shared by the dateline and date extractors."""
from __future__ import annotations

import datetime as dt


def full_year(text: str, pivot: int) -> int:
    """'22' -> 2022, '98' -> 1998 (pivot 69), '2017' -> 2017."""
    y = int(text)
    if len(text) <= 2:
        return 2000 + y if y <= pivot else 1900 + y
    return y


def iso_day(year: int, month: int, day: int) -> str | None:
    """ISO date, or None when the triple is not a calendar day."""
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def valid_day_month(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
