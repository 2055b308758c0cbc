"""Path converters shared by every app's URLs."""


class IdConverter:
    """A database id in an address: digits that fit a 64-bit integer. A longer number is no id
    of ours, and SQLite refuses to compare with it (OverflowError) instead of finding nothing."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))
