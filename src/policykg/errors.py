"""The package's exceptions. Each says where the problem is and what would be valid."""

from __future__ import annotations


class PolicyKGError(Exception):
    """Base class: every error the package raises on purpose."""


class SourceError(PolicyKGError):
    """A file that cannot be read as a text document."""

    def __init__(self, path: str, reason: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
        where = path if line is None else f"{path}:{line}:{column}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):  # picklable across worker processes
        return (SourceError, (self.path, self.reason, self.line, self.column))


class UsageError(PolicyKGError):
    """A bad command-line parameter or setting: names the parameter and what is valid."""
