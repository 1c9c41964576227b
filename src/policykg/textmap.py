"""Cleaned text that never loses the way back to the original.

A :class:`TextMap` is a string plus, for each of its characters, the original range it
came from. Cleaning steps are *rewrites*: sorted, non-overlapping ``(start, end,
replacement)`` edits applied to a TextMap yield a new TextMap whose characters still map
to original offsets. Copied characters map one to one; a replacement maps every one of
its characters to the whole original range it replaced.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class TextMap:
    text: str
    starts: array  # starts[i]: original index where text[i] begins
    ends: array  # ends[i]: original index just after what text[i] stands for

    @classmethod
    def identity(cls, text: str) -> TextMap:
        n = len(text)
        return cls(text, array("q", range(n)), array("q", range(1, n + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covered by ``text[start:end]``."""
        if end <= start:
            pos = self.starts[start] if start < len(self.text) else self._tail()
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def _tail(self) -> int:
        return self.ends[-1] if self.text else 0

    def rewrite(self, edits: Iterable[tuple[int, int, str]]) -> TextMap:
        """Apply sorted, non-overlapping edits; return the rewritten map."""
        parts: list[str] = []
        starts = array("q")
        ends = array("q")
        pos = 0
        for start, end, replacement in edits:
            if start < pos:
                raise ValueError(f"overlapping edit at {start} (already at {pos})")
            parts.append(self.text[pos:start])
            starts.extend(self.starts[pos:start])
            ends.extend(self.ends[pos:start])
            if replacement:
                if end > start:
                    a, b = self.starts[start], self.ends[end - 1]
                else:  # pure insertion: zero-width at this point of the original
                    a = b = self.starts[start] if start < len(self.text) else self._tail()
                parts.append(replacement)
                starts.extend([a] * len(replacement))
                ends.extend([b] * len(replacement))
            pos = end
        parts.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return TextMap("".join(parts), starts, ends)

    def assemble(self, pieces: Sequence[tuple[int, int]], glue: str = " ") -> TextMap:
        """Join ``text[a:b]`` pieces with ``glue`` (mapped to the gap it bridges)."""
        parts: list[str] = []
        starts = array("q")
        ends = array("q")
        for i, (a, b) in enumerate(pieces):
            if i and glue:
                gap_start, gap_end = self.ends[pieces[i - 1][1] - 1], self.starts[a]
                parts.append(glue)
                starts.extend([gap_start] * len(glue))
                ends.extend([gap_end] * len(glue))
            parts.append(self.text[a:b])
            starts.extend(self.starts[a:b])
            ends.extend(self.ends[a:b])
        return TextMap("".join(parts), starts, ends)
