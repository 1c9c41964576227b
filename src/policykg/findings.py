"""Data-quality findings across files: conflicting dates, dates against numbering."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .models import Finding, Mention
from .registry import load_registry


def conflicting_dates(mentions: Iterable[Mention]) -> list[Finding]:
    """One finding per instrument cited with more than one adoption date."""
    dates: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    for m in mentions:
        if m.date and m.kind in ("resolution", "decision"):
            dates[m.key][m.date].append(m)
    out = []
    for key, by_date in sorted(dates.items()):
        if len(by_date) < 2:
            continue
        where = "; ".join(
            f"{d} at {ms[0].file}:{ms[0].line}:{ms[0].column}" for d, ms in sorted(by_date.items())
        )
        first = min((ms[0] for ms in by_date.values()), key=lambda m: (m.file, m.start))
        out.append(
            Finding(
                "conflicting-date",
                f"{key} is cited with {len(by_date)} different adoption dates: {where}",
                first.file,
                first.line,
                first.column,
                key,
            )
        )
    return out


def session_year(issuer: str | None, number: str | None) -> int | None:
    """The year a session-numbered resolution was adopted in, from its number."""
    if not issuer or not number:
        return None
    m = re.fullmatch(r"(\d{1,3})/\d+", number)
    if not m:
        return None
    body = load_registry().body_by_issuer(issuer)
    if body is None or body.first_session_year is None:
        return None
    return body.first_session_year + int(m.group(1)) - 1


def dates_against_numbers(mentions: Iterable[Mention]) -> list[Finding]:
    """A stated date whose year cannot be that of the session the number names."""
    out = []
    for m in mentions:
        if not m.date or m.kind not in ("resolution", "decision"):
            continue
        expected = session_year(m.issuer, m.number)
        year = int(m.date[:4])
        # A regular session can be reconvened into the next year; allow one year of slack.
        if expected is not None and not expected <= year <= expected + 1:
            out.append(
                Finding(
                    "date-number-mismatch",
                    f"{m.key} is dated {m.date}, but session "
                    f"{m.number.split('/')[0]} of {m.issuer} met in {expected}",
                    m.file,
                    m.line,
                    m.column,
                    m.key,
                )
            )
    return out


def later_citations(mentions: Iterable[Mention]) -> list[Finding]:
    """A citation of an instrument adopted after the citing one."""
    out = []
    for m in mentions:
        if not m.citing or not m.date or m.kind not in ("resolution", "decision"):
            continue
        issuer, _, number = m.citing.partition(" ")
        citing_year = session_year(issuer, number)
        if citing_year is not None and int(m.date[:4]) > citing_year + 1:
            out.append(
                Finding(
                    "cites-later-instrument",
                    f"{m.citing} (adopted {citing_year}) cites {m.key} dated {m.date}",
                    m.file,
                    m.line,
                    m.column,
                    m.key,
                )
            )
    return out
