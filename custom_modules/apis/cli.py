"""Shared plumbing of the command-line tools: one-line user errors."""
import sys
from functools import wraps

from ..errors import UserError


def user_errors_as_one_line(main):
    """Run ``main``; a :class:`UserError` prints ``error: <message>`` (or
    its subclass's label) on stderr and exits with its status, with no
    traceback."""

    @wraps(main)
    def wrapper(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except UserError as err:
            print(f'{err.label}: {err}', file=sys.stderr)
            sys.exit(err.exit_code)
    return wrapper
