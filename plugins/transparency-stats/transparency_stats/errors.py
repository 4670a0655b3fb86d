"""Errors a volunteer can cause, reported as one plain line each, and every problem of a build at once."""

from __future__ import annotations

from contextlib import contextmanager


class StatsError(Exception):
    """Report bad input as `file:line:column: what is wrong — what to do`."""

    def __init__(self, path, line, column, message, hint=""):
        self.path = str(path)
        self.line = max(int(line or 1), 1)
        self.column = max(int(column or 1), 1)
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    @property
    def errors(self) -> list[StatsError]:
        """Return the single problems this error reports: itself."""
        return [self]

    def __str__(self):
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text.replace("\n", " ")


class StatsErrors(StatsError):
    """Several problems, each a StatsError, in file, line and column order; it reads as the first one."""

    def __init__(self, errors: list[StatsError]):
        unique = {str(error): error for error in errors}.values()
        self._errors = sorted(unique, key=lambda e: (e.path, e.line, e.column, str(e)))
        first = self._errors[0]
        super().__init__(first.path, first.line, first.column, first.message, first.hint)

    @property
    def errors(self) -> list[StatsError]:
        """Return every problem, in order."""
        return self._errors

    def __str__(self):
        return "\n".join(StatsError.__str__(error) for error in self._errors)


class Problems:
    """Collect problems so that a check goes on after the first one and reports them all."""

    def __init__(self):
        self.errors: list[StatsError] = []

    @contextmanager
    def collect(self):
        """Record a StatsError (or StatsErrors) raised inside the block, then go on after it."""
        try:
            yield
        except StatsError as error:
            self.errors.extend(error.errors)

    def __bool__(self):
        return bool(self.errors)

    def raise_any(self) -> None:
        """Raise the problems found so far, if any: one alone as a StatsError, several as StatsErrors."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise StatsErrors(self.errors)
