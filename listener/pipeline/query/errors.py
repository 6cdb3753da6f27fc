"""The one error a query can raise."""


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``position`` is the 0-based character index it points at."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __reduce__(self):  # keep both fields through pickling (e.g. across worker processes)
        return (type(self), (self.message, self.position))
