"""The on-disk layout of a sweep: the only state a sweep has.

::

    work_dirs/sweeps/NAME/
      sweep.json                 the plan: config, command, every run's overrides
      results.csv results.json   one row per run (written by collect)
      summary.md  plots/*.png
      <run_id>/                  one tools/train.py work dir per run
        run.json                 the run's overrides, command and environment
        attempts.jsonl           one line per launch: start, wall time, exit code
        stdout.log stderr.log    appended by every launch
        error.txt                last lines of stderr of a failed launch
        DONE                     written once the run reached max_iters
        val_metrics_last.json    written by MetricsRecorderHook at each validation
        <config>.py, iter_*.pth, last_checkpoint   written by mmengine

Nothing is kept in memory between invocations: a rerun of the same sweep
reads these files to decide what to skip, resume or retry, and
``--collect`` rebuilds every table from the run dirs alone. That is what
makes a sweep survive Ctrl-C, a killed job or a reboot.
"""
import json
import os
import os.path as osp
import time
from typing import Any, Dict, List, Optional

RUN_JSON = 'run.json'
ATTEMPTS = 'attempts.jsonl'
DONE = 'DONE'
ERROR = 'error.txt'
METRICS_LAST = 'val_metrics_last.json'
STDOUT, STDERR = 'stdout.log', 'stderr.log'
SWEEP_JSON = 'sweep.json'


def write_json_atomic(path: str, data: Any) -> None:
    """Write-then-rename, so a reader (or a rerun after a kill) never sees a
    half-written file."""
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


def read_json(path: str) -> Optional[Any]:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_attempts(run_dir: str) -> List[Dict[str, Any]]:
    out = []
    try:
        with open(osp.join(run_dir, ATTEMPTS)) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass  # a line cut by a kill; the others still count
    except OSError:
        pass
    return out


def append_attempt(run_dir: str, record: Dict[str, Any]) -> None:
    with open(osp.join(run_dir, ATTEMPTS), 'a') as f:
        f.write(json.dumps(record) + '\n')


def reached_max_iters(run_dir: str, max_iters: Optional[int]) -> bool:
    """True when the last validation was at the last iteration."""
    last = read_json(osp.join(run_dir, METRICS_LAST))
    return bool(last and max_iters and last.get('iter', -1) >= max_iters)


def run_status(run_dir: str, max_iters: Optional[int] = None) -> str:
    """``done``, ``failed``, ``partial`` (has a checkpoint to resume),
    ``interrupted`` (launched, no checkpoint yet) or ``pending``."""
    if osp.isfile(osp.join(run_dir, DONE)):
        return 'done'
    if max_iters is None:
        info = read_json(osp.join(run_dir, RUN_JSON)) or {}
        max_iters = info.get('max_iters')
    if reached_max_iters(run_dir, max_iters):
        # Trained to the end but the sweep was killed before it wrote DONE.
        return 'done'
    attempts = read_attempts(run_dir)
    if attempts and not attempts[-1].get('interrupted') and \
            attempts[-1].get('returncode') not in (0, None):
        return 'failed'
    if osp.isfile(osp.join(run_dir, 'last_checkpoint')):
        return 'partial'
    if attempts or osp.isfile(osp.join(run_dir, STDOUT)):
        return 'interrupted'
    return 'pending'


def mark_done(run_dir: str, info: Dict[str, Any]) -> None:
    write_json_atomic(osp.join(run_dir, DONE),
                      dict(finished=time.strftime('%Y-%m-%dT%H:%M:%S'),
                           **info))
    err = osp.join(run_dir, ERROR)
    if osp.isfile(err):
        # An earlier attempt failed and this one succeeded: the error is
        # history (kept in attempts.jsonl), not the run's state.
        os.remove(err)


def tail(path: str, n: int = 20) -> str:
    """Last ``n`` lines of a text file ('' if missing)."""
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            lines = f.read().decode('utf-8', 'replace').splitlines()
    except OSError:
        return ''
    return '\n'.join(lines[-n:])


def list_run_dirs(sweep_dir: str) -> List[str]:
    """Run dirs of a sweep (subdirs with a run.json), sorted by name."""
    if not osp.isdir(sweep_dir):
        return []
    return sorted(osp.join(sweep_dir, d) for d in os.listdir(sweep_dir)
                  if osp.isfile(osp.join(sweep_dir, d, RUN_JSON)))
