"""Dates as written in UN texts -> ISO 8601."""

from __future__ import annotations

import datetime as dt
import re

from .patterns import MONTHS

_MONTH_NUMBER = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}


def iso_date(text: str) -> str | None:
    """``"16 March 2018"`` or ``"March 16, 2018"`` -> ``"2018-03-16"``; None if invalid."""
    words = re.findall(r"[A-Za-z]+|\d+", text)
    if len(words) != 3:
        return None
    if words[0].isdigit():
        day, month, year = words
    else:
        month, day, year = words
    try:
        return dt.date(int(year), _MONTH_NUMBER[month.lower()], int(day)).isoformat()
    except (KeyError, ValueError):
        return None
