"""The lab's single error type: a user's mistake, reported as one line by the CLI."""


class LabError(ValueError):
    """A bad setting for the lab (unknown name, non-positive size, unwritable folder...).

    The message says what was expected, what was given and how to fix it."""
