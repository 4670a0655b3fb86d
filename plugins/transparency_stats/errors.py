"""Errors a volunteer can cause, reported as one plain line."""


class StatsError(Exception):
    """Report bad input as `file:line:column: what is wrong — what to do`."""

    def __init__(self, path, line, column, message, hint=""):
        self.path = str(path)
        self.line = max(int(line or 1), 1)
        self.column = max(int(column or 1), 1)
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self):
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text.replace("\n", " ")
