"""The errors every layer of DetLab raises when the user can act on them.

The command-line tools print ``<label>: <message>`` for these and exit with
``exit_code``, with no traceback (``custom_modules.apis.cli``). So each
message is one line: what is wrong, and what to do about it.
"""


class UserError(Exception):
    """A problem with the user's input: a config, a path, a dataset."""

    exit_code = 2
    label = 'error'  # the word the CLI prints before the message


class TrainingDiverged(UserError):
    """The loss or the gradient left the finite world (``NaNGuardHook``).
    The run stops before a checkpoint of the diverged weights is written."""

    exit_code = 3
    label = 'diverged'


class TrainingInterrupted(UserError):
    """SIGTERM or SIGINT arrived; a checkpoint of the current iteration was
    saved first (``InterruptSaveHook``). Exits with 128 + the signal number,
    the status a shell and Slurm expect from a process killed by it."""

    label = 'interrupted'

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.exit_code = 128 + signum


class WorkDirBusy(UserError):
    """Another process is training in the same work dir. Exits with 75
    (EX_TEMPFAIL, "try again later"), which the sweep's launcher reads as
    "someone else is on this run", not as a failure of the run."""

    exit_code = 75
    label = 'busy'
