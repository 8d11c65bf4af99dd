"""Shared plumbing of the command-line tools: one-line user errors, and the
launcher options that train.py and test.py take alike."""
import os
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


def add_launcher_arguments(parser) -> None:
    """``--launcher`` and ``--local-rank``, as torchrun and Slurm call the
    tools (tools/dist_train.sh, tools/slurm_train.sh)."""
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none',
                        help='job launcher for distributed runs')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def export_local_rank(args) -> None:
    """Older launchers pass ``--local-rank`` instead of setting LOCAL_RANK,
    which mmengine reads; give it the flag's value then."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
