"""HTTP content negotiation: one pure function, tested on its own.

``negotiate(accept, offers)`` picks the offer the client prefers by RFC 9110 rules: the
highest q-value wins; among equal q-values the more specific range (``text/turtle`` over
``text/*`` over ``*/*``) decides which q applies; ``q=0`` refuses; ties go to the server's
order of ``offers``. A missing or empty ``Accept`` accepts the first offer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]

    def specificity(self, offer: str) -> int | None:
        """How closely this range matches ``offer`` (higher is closer), or None."""
        otype, _, osub = offer.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != otype:
            return None
        if self.subtype == "*":
            return 1
        if self.subtype != osub:
            return None
        return 2 + len(self.params)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an ``Accept`` header; malformed parts are skipped."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0] or "/" not in fields[0]:
            if fields[0] == "*":
                fields[0] = "*/*"
            else:
                continue
        mtype, _, sub = fields[0].lower().partition("/")
        q = 1.0
        params = []
        for f in fields[1:]:
            name, _, value = f.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    break  # not a number: skip this media range
                if not math.isfinite(q):
                    break
                q = max(0.0, min(1.0, q))  # out of range: clamp
            elif name:
                params.append((name, value))
        else:
            ranges.append(MediaRange(mtype, sub or "*", q, tuple(params)))
    return ranges


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The best of ``offers`` for ``accept``; None when nothing is acceptable (406)."""
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int] | None = None
    choice = None
    for index, offer in enumerate(offers):
        matches = [(r.specificity(offer), r.q) for r in ranges]
        matches = [(s, q) for s, q in matches if s is not None]
        if not matches:
            continue
        _specificity, q = max(matches, key=lambda m: m[0])
        if q <= 0:
            continue
        key = (q, -index)
        if best is None or key > best:
            best, choice = key, offer
    return choice
