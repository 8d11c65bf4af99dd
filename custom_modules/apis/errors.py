"""User errors: mistakes a user can fix, reported as one line, not a traceback."""


class UserError(Exception):
    """A problem with the user's input. ``str(err)`` is one line that says
    what is wrong and how to fix it; the CLIs print it and exit with 2."""

    exit_code = 2
