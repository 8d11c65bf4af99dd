"""Running the runs of a sweep: in parallel, resumably, failure-tolerant.

**One run = one ``tools/train.py`` process** with its own work dir::

    python tools/train.py CONFIG --work-dir SWEEP/<run_id> --resume \\
        --cfg-options <fixed overrides> <the run's overrides>

A separate process per run, rather than training in this process, is what
makes a sweep robust: a run that crashes, leaks memory or hangs in a
dataloader takes nothing else down, its stderr is its own, and the command
in its run.json reproduces it exactly by hand.

**Resources.** With CUDA, one worker per GPU (or per ``gpus_per_run`` GPUs,
launched with torchrun), each seeing only its GPUs through
``CUDA_VISIBLE_DEVICES``. On a CPU machine the cores are split between the
parallel runs (by default one run per core, see
:data:`DEFAULT_THREADS_PER_CPU_RUN`) and each run's
``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` is set to its share: without it
every run would start one thread per core and N runs would fight over the
same cores, each slower than running alone.

**Resuming.** Before launching, a run's directory is checked
(:func:`.rundir.run_status`): ``done`` runs are skipped, anything else is
launched with ``--resume``, which continues from the last checkpoint when
there is one and starts fresh otherwise. Killing the sweep (Ctrl-C, SIGTERM)
stops the running trainings; rerunning the same command picks up from their
last checkpoints.

**Failures.** A run that exits non-zero gets ``error.txt`` (the last lines of
its stderr) and an attempt record with its exit code; the other runs go on.
A rerun retries it (from its last checkpoint).
"""
import os
import os.path as osp
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .progress import SweepProgress
from .rundir import (DONE, ERROR, RUN_JSON, STDERR, STDOUT, append_attempt,
                     mark_done, read_attempts, read_json, reached_max_iters,
                     run_status, tail)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TRAIN_SCRIPT = osp.join(REPO_ROOT, 'tools', 'train.py')
# CPU runs get one intra-op thread each and as many run in parallel as there
# are cores: on a 2-core machine shared with other jobs, two threads per run
# were several times slower per iteration than one. OpenMP threads spin
# while they wait for each other, so when the cores are oversubscribed even
# briefly, a multi-threaded run loses far more than it
# gains; independent single-threaded runs do not have that failure mode.
DEFAULT_THREADS_PER_CPU_RUN = 1
# A training process of the CPU configs peaks at 1-2 GiB; never start more
# runs than memory holds.
MEMORY_PER_CPU_RUN_GIB = 2.0
ERROR_TAIL_LINES = 20


@dataclass
class Resources:
    workers: int
    threads_per_run: int
    # Per worker slot: the GPU ids its runs see (empty on a CPU machine).
    devices: List[List[int]] = field(default_factory=list)
    gpus_per_run: int = 0

    def describe(self) -> str:
        if self.gpus_per_run:
            return (f'{self.workers} parallel run(s), {self.gpus_per_run} '
                    f'GPU(s) each: {self.devices}')
        return (f'{self.workers} parallel run(s) on CPU, '
                f'{self.threads_per_run} thread(s) each')


def plan_resources(workers: Optional[int] = None, gpus_per_run: int = 1,
                   cpu_count: Optional[int] = None,
                   gpu_count: Optional[int] = None,
                   threads: Optional[int] = None) -> Resources:
    """Size the worker pool to the machine (see module docstring).
    ``threads`` fixes the threads per run (default: the cores divided
    between the workers)."""
    from custom_modules.reporting import cpu_count as _cpus
    cpus = cpu_count or _cpus()
    if gpu_count is None:
        try:
            import torch
            gpu_count = torch.cuda.device_count()
        except ImportError:
            gpu_count = 0
    if gpu_count:
        gpus_per_run = max(1, gpus_per_run)
        slots = gpu_count // gpus_per_run
        if slots < 1:
            raise ValueError(f'--gpus-per-run {gpus_per_run} but only '
                             f'{gpu_count} GPU(s) are visible')
        n = min(workers or slots, slots)
        devices = [list(range(i * gpus_per_run, (i + 1) * gpus_per_run))
                   for i in range(n)]
        return Resources(n, threads or max(1, cpus // n), devices,
                         gpus_per_run)
    if not workers:
        per_run = threads or DEFAULT_THREADS_PER_CPU_RUN
        workers = max(1, min(cpus // per_run,
                             int(memory_gib() // MEMORY_PER_CPU_RUN_GIB)))
    return Resources(workers, threads or max(1, cpus // workers),
                     [[] for _ in range(workers)], 0)


def memory_gib() -> float:
    try:
        return os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30
    except (ValueError, OSError, AttributeError):
        return float('inf')


def train_command(info: Dict, run_dir: str, gpus_per_run: int = 0
                  ) -> List[str]:
    """The training command of a run, from its run.json."""
    script = osp.relpath(TRAIN_SCRIPT) if not osp.relpath(
        TRAIN_SCRIPT).startswith('..') else TRAIN_SCRIPT
    args = [script, info['config'], '--work-dir', run_dir, '--resume']
    args += list(info.get('train_args') or [])
    if info.get('cfg_options'):
        args += ['--cfg-options'] + list(info['cfg_options'])
    if gpus_per_run > 1:
        # torchrun's standalone mode picks a free rendezvous port itself, so
        # parallel multi-GPU runs on one node do not collide.
        return [sys.executable, '-m', 'torch.distributed.run', '--standalone',
                f'--nproc_per_node={gpus_per_run}'] + args + [
                    '--launcher', 'pytorch']
    return [sys.executable] + args


def run_env(threads: int, devices: List[int]) -> Dict[str, str]:
    env = dict(os.environ)
    env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = str(threads)
    env['PYTHONUNBUFFERED'] = '1'
    if devices:
        env['CUDA_VISIBLE_DEVICES'] = ','.join(str(d) for d in devices)
    return env


class RunProcess:
    """One launch of one run: start it, then record how it ended."""

    def __init__(self, run_dir: str, threads: int, devices: List[int],
                 gpus_per_run: int = 0, slot: int = 0):
        self.run_dir = run_dir
        self.info = read_json(osp.join(run_dir, RUN_JSON))
        if self.info is None:
            raise FileNotFoundError(f'{run_dir} has no {RUN_JSON}')
        self.threads, self.devices, self.slot = threads, devices, slot
        self.command = train_command(self.info, run_dir, gpus_per_run)
        self.proc: Optional[subprocess.Popen] = None
        self.interrupted = False

    def start(self) -> None:
        self.t0 = time.time()
        self.started = time.strftime('%Y-%m-%dT%H:%M:%S')
        banner = (f'\n===== {self.started} launch: '
                  f'{" ".join(self.command)}\n')
        self.out = open(osp.join(self.run_dir, STDOUT), 'a')
        self.err = open(osp.join(self.run_dir, STDERR), 'a')
        for f in (self.out, self.err):
            f.write(banner)
            f.flush()
        # A session of its own: on interruption the whole process group
        # (dataloader workers, torchrun's children) is stopped together.
        self.proc = subprocess.Popen(
            self.command, stdout=self.out, stderr=self.err,
            stdin=subprocess.DEVNULL, env=run_env(self.threads, self.devices),
            start_new_session=True)

    def poll(self) -> Optional[int]:
        return self.proc.poll()

    def stop(self) -> None:
        """Stop the run's process group: SIGINT first (Python unwinds, the
        dataloader workers exit), SIGTERM if that is ignored (a process
        started from a non-interactive shell's background job inherits an
        ignored SIGINT), SIGKILL as the last resort."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.interrupted = True
        for sig, wait in ((signal.SIGINT, 10.0), (signal.SIGTERM, 20.0),
                          (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def finish(self) -> str:
        """Record the attempt; returns the run's status afterwards."""
        rc = self.proc.wait()
        for f in (self.out, self.err):
            f.close()
        wall = time.time() - self.t0
        max_iters = self.info.get('max_iters')
        record = dict(started=self.started, wall_seconds=round(wall, 2),
                      returncode=rc, threads=self.threads,
                      devices=self.devices, host=socket.gethostname(),
                      command=self.command)
        if self.interrupted:
            record['interrupted'] = True
        elif rc == 0 and max_iters and not reached_max_iters(
                self.run_dir, max_iters) and osp.isfile(
                    osp.join(self.run_dir, 'val_metrics_last.json')):
            # Exited cleanly but short of the end: treat as a failure, or a
            # rerun would believe the run is complete.
            record['returncode'] = rc = 1
            with open(osp.join(self.run_dir, STDERR), 'a') as f:
                f.write(f'sweep: train.py exited 0 before max_iters='
                        f'{max_iters}\n')
        append_attempt(self.run_dir, record)
        if self.interrupted:
            return 'interrupted'
        if rc == 0:
            attempts = read_attempts(self.run_dir)
            mark_done(self.run_dir, dict(
                wall_seconds=round(sum(a.get('wall_seconds', 0)
                                       for a in attempts), 2),
                attempts=len(attempts)))
            return 'done'
        with open(osp.join(self.run_dir, ERROR), 'w') as f:
            f.write(f'exit code {rc}; last lines of {STDERR}:\n')
            f.write(tail(osp.join(self.run_dir, STDERR), ERROR_TAIL_LINES))
            f.write('\n')
        return 'failed'


def execute_run(run_dir: str, threads: int, devices: List[int] = (),
                gpus_per_run: int = 0) -> str:
    """Run one run to the end in the foreground (what a Slurm array task
    does). Returns 'done', 'failed' or 'interrupted'; 'done' at once when
    the run is already complete."""
    if run_status(run_dir) == 'done':
        return 'done'
    proc = RunProcess(run_dir, threads, list(devices), gpus_per_run)
    proc.start()
    try:
        with _TerminateAsInterrupt():
            proc.proc.wait()
    except KeyboardInterrupt:
        proc.stop()
    return proc.finish()


class _TerminateAsInterrupt:
    """Within the block, SIGTERM (``kill``, a job scheduler's time limit)
    raises KeyboardInterrupt, so both stop the runs the same careful way."""

    def __enter__(self):
        try:
            self.old = signal.signal(signal.SIGTERM, self._raise)
        except ValueError:  # not the main thread
            self.old = None
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)
        return False


def run_sweep(run_dirs: List[str], resources: Resources,
              progress: bool = True, stream=None,
              poll_seconds: float = 0.5) -> Dict[str, List[str]]:
    """Run every run dir that is not done, ``resources.workers`` at a time.

    Returns ``{'done': [...], 'failed': [...], 'skipped': [...]}`` (run
    dirs). Raises KeyboardInterrupt after stopping the runs when interrupted.
    """
    result: Dict[str, List[str]] = dict(done=[], failed=[], skipped=[])
    bar = SweepProgress(len(run_dirs), resources.workers, stream=stream)
    queue = []
    for d in run_dirs:
        if run_status(d) == 'done':
            result['skipped'].append(d)
            bar.done += 1
            bar.add_known_duration((read_json(osp.join(d, DONE)) or {})
                                   .get('wall_seconds'))
        else:
            queue.append(d)
    if progress:
        bar.update(f'{len(result["skipped"])} run(s) already done, '
                   f'{len(queue)} to run: {resources.describe()}')
    free_slots = list(range(resources.workers))
    running: Dict[int, RunProcess] = {}
    last_draw = time.time()
    try:
        with _TerminateAsInterrupt():
            while queue or running:
                while queue and free_slots:
                    slot = free_slots.pop(0)
                    p = RunProcess(queue.pop(0), resources.threads_per_run,
                                   resources.devices[slot],
                                   resources.gpus_per_run, slot)
                    p.start()
                    running[slot] = p
                bar.running = len(running)
                for slot, p in list(running.items()):
                    if p.poll() is None:
                        continue
                    status = p.finish()
                    del running[slot]
                    free_slots.append(slot)
                    name = osp.basename(p.run_dir)
                    if status == 'done':
                        result['done'].append(p.run_dir)
                        bar.done += 1
                        bar.durations.append(time.time() - p.t0)
                        msg = f'done   {name} ({time.time() - p.t0:.0f} s)'
                    else:
                        result['failed'].append(p.run_dir)
                        bar.failed += 1
                        msg = (f'FAILED {name}: see '
                               f'{osp.join(p.run_dir, ERROR)}')
                    bar.running = len(running)
                    if progress:
                        bar.update(msg)
                if running:
                    time.sleep(poll_seconds)
                    if progress and bar.is_tty and \
                            time.time() - last_draw > 1.0:
                        bar.update()  # keep elapsed/ETA ticking
                        last_draw = time.time()
    except KeyboardInterrupt:
        for p in running.values():
            p.stop()
        for p in running.values():
            p.finish()
        if progress:
            bar.close()
        raise
    if progress:
        bar.close()
    return result

