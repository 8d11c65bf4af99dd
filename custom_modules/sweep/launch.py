"""How a sweep runs: one ``tools/train.py`` per run, here or as a Slurm array.

**Each run is a config file in its own directory.** Planning a sweep loads
the base config once, applies the fixed overrides (``--max-iters``,
``--cfg-options``) and each run's swept values in-process, checks them with
the same pre-flight as ``tools/train.py``, and dumps the result to
``SWEEP/<run_id>/config.py``. Training a run is then nothing but::

    python tools/train.py SWEEP/<run_id>/config.py --work-dir SWEEP/<run_id> --resume

which is also what a Slurm array task runs, and what you run by hand to
reproduce one. What a run trained with is a file you can read, not a
command line to reconstruct.

**The sweep's only state is on disk**::

    SWEEP/sweep.json          the plan: base config, command, runs
    SWEEP/<run_id>/
      config.py run.json      what the run is
      DONE                    written by tools/train.py when it finished
      error.txt               the tail of stderr of a failed launch
      stdout.log stderr.log   appended by every launch

A run is *done* (DONE exists: skipped), *failed* (error.txt: retried by a
rerun) or *pending*; a rerun launches both with ``--resume``, which
continues from the last checkpoint when there is one. Killing the sweep stops its runs; rerunning the command picks up.

**Resources.** One run per GPU (or per ``gpus_per_run`` GPUs, under
torchrun). On a CPU machine the cores are split between parallel runs, one
thread each by default, and each run's ``OMP_NUM_THREADS`` is set to its
share: N runs that each started one thread per core would fight over the
same cores, and OpenMP threads spin while they wait, so oversubscription
costs far more than it seems.
"""
import json
import math
import os
import os.path as osp
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from custom_modules.apis.train import DONE, finished
from custom_modules.errors import WorkDirBusy
from custom_modules.reporting import cpu_count, environment
from .schedule import shorten_schedule
from .spec import SweepSpec, expand_runs

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TRAIN = osp.join(REPO, 'tools', 'train.py')
SWEEP_TOOL = osp.join(REPO, 'tools', 'sweep.py')
DEFAULT_ROOT = osp.join('work_dirs', 'sweeps')
CONFIG, RUN_JSON, SWEEP_JSON = 'config.py', 'run.json', 'sweep.json'
ERROR, STDOUT, STDERR = 'error.txt', 'stdout.log', 'stderr.log'
MEMORY_PER_CPU_RUN_GIB = 2.0   # a CPU config's training process peaks at 1-2


def read_json(path: str) -> Optional[Any]:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_json(path: str, data: Any) -> None:
    """Write-then-rename: a reader never sees half a file."""
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


def run_status(run_dir: str) -> str:
    """``done``, ``failed`` or ``pending`` (see the module docstring)."""
    if finished(run_dir):
        return 'done'
    return 'failed' if osp.isfile(osp.join(run_dir, ERROR)) else 'pending'


def rel(path: str) -> str:
    r = osp.relpath(path)
    return path if r.startswith('..') else r


# --------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------
@dataclass
class SweepPlan:
    name: str
    sweep_dir: str
    config: str
    spec: SweepSpec
    runs: list
    configs: Dict[str, str]           # run_id -> the dumped config's text
    fixed: Dict[str, Any] = field(default_factory=dict)
    max_iters: Optional[int] = None
    command: str = ''
    train_args: List[str] = field(default_factory=list)

    def run_dir(self, run) -> str:
        return osp.join(self.sweep_dir, run.run_id)

    def info(self) -> Dict[str, Any]:
        """What the results need about the sweep as a whole; copied into
        every run.json so that run dirs alone rebuild the tables."""
        return dict(name=self.name, config=self.config,
                    preset=self.spec.preset, title=self.spec.title,
                    axes=[a.key for a in self.spec.axes],
                    short_names=self.spec.names(),
                    best_over=self.spec.best_over, command=self.command,
                    seeds=self.spec.seeds, max_iters=self.max_iters,
                    fixed_overrides=self.fixed)

    def run_info(self, run) -> Dict[str, Any]:
        return dict(run_id=run.run_id, label=run.label, seed=run.seed,
                    overrides=run.overrides, train_args=self.train_args,
                    sweep=self.info())

    def write(self) -> None:
        """sweep.json, and every run's config.py and run.json. A run dir
        that holds another experiment (another base config, --max-iters or
        --cfg-options) is refused: its DONE and checkpoints belong to it."""
        for run in self.runs:
            old = read_json(osp.join(self.run_dir(run), RUN_JSON))
            if old and _identity(old) != _identity(self.run_info(run)):
                raise ValueError(
                    f'{self.run_dir(run)} was made by a sweep with other '
                    'settings; give this sweep another --name, or delete '
                    'that directory to start it again')
            if _recipe_changed(osp.join(self.run_dir(run), CONFIG),
                               self.configs[run.run_id]):
                # The same command after the config file was edited: the
                # finished runs would keep numbers of the old recipe beside
                # new ones in one table, and rewriting their config.py
                # would hide it.
                raise ValueError(
                    f'{self.run_dir(run)} was trained from another recipe '
                    f'of {self.config} (it has been edited since); give this '
                    'sweep another --name, or delete that directory to start '
                    'it again')
        os.makedirs(self.sweep_dir, exist_ok=True)
        env = environment()
        write_json(osp.join(self.sweep_dir, SWEEP_JSON), dict(
            created=time.strftime('%Y-%m-%dT%H:%M:%S'), **self.info(),
            environment=env, runs=[r.run_id for r in self.runs]))
        for run in self.runs:
            d = self.run_dir(run)
            os.makedirs(d, exist_ok=True)
            # The Runner dumps its config into the work dir under the same
            # name; that copy is equivalent (plus the run's work_dir).
            with open(osp.join(d, CONFIG), 'w') as f:
                f.write(self.configs[run.run_id])
            write_json(osp.join(d, RUN_JSON),
                       dict(self.run_info(run), environment=env))


def plan_recipes(plan: SweepPlan) -> Dict[str, str]:
    """Each run's recipe fingerprint (apis/recipe.py), from the config it
    will train: what a recorded run must match to stand in for it."""
    from mmengine.config import Config
    from custom_modules.apis.recipe import recipe_of
    return {run_id: recipe_of(Config.fromstring(text, '.py'))
            for run_id, text in plan.configs.items()}


def _recipe_changed(dumped: str, text: str) -> bool:
    """Whether the run config ``text`` trains another recipe than the one
    already dumped at ``dumped`` (benchmark.recipe_of: model, data,
    optimiser, schedule, seed; hooks and logging do not count)."""
    if not osp.isfile(dumped):
        return False
    from mmengine.config import Config
    from custom_modules.apis.recipe import recipe_of
    with open(dumped) as f:
        old = f.read()
    if old == text:
        return False
    return recipe_of(Config.fromstring(old, '.py')) != \
        recipe_of(Config.fromstring(text, '.py'))


def _identity(info: Dict[str, Any]):
    """What defines a run's training, JSON-normalised."""
    sweep = info.get('sweep') or {}
    return json.dumps([sweep.get('config'), sweep.get('fixed_overrides'),
                       info.get('overrides'), info.get('train_args')],
                      sort_keys=True, default=str)


def config_text(cfg) -> str:
    """A run's config as the file tools/train.py trains it from; the work
    dir is the run dir, given on the command line."""
    cfg.pop('work_dir', None)
    return cfg.pretty_text


def _apply(cfg, overrides: Dict[str, Any]) -> None:
    """Overrides as a config file would write them: a dict value replaces
    the config's dict (swapping loss_cls=dict(type='CrossEntropyLoss')
    must not keep FocalLoss's gamma), anything else is set."""
    cfg.merge_from_dict({k: ({'_delete_': True, **v} if isinstance(v, dict)
                             else v) for k, v in overrides.items()})


def build_plan(config: str, spec: SweepSpec, name: Optional[str] = None,
               max_iters: Optional[int] = None,
               val_interval: Optional[int] = None,
               cfg_options: Optional[Dict[str, Any]] = None,
               root: str = DEFAULT_ROOT, command: Optional[str] = None,
               train_args: Optional[List[str]] = None) -> SweepPlan:
    """Load ``config`` once, derive and check every run's config. Every
    mistake that would otherwise fail one run at a time, minutes apart (a
    misspelt key, a swept key that a fixed one overrides) fails here."""
    from custom_modules.apis import preflight
    from custom_modules.apis.config import load_config

    base = load_config(config, cfg_options)
    fixed: Dict[str, Any] = {}
    if max_iters is not None or val_interval is not None:
        length = max_iters or (base.get('train_cfg') or {}).get('max_iters')
        if length is None:
            raise ValueError('--val-interval needs an iteration-based '
                             'schedule (train_cfg.max_iters)')
        fixed.update(shorten_schedule(base, length, val_interval))
    _apply(base, fixed)
    fixed.update(cfg_options or {})
    runs = expand_runs(spec)
    swept = {k for r in runs for k in r.overrides}
    clash = sorted(swept & set(fixed))
    if clash:
        raise ValueError(f'{clash} are both swept and fixed (by --cfg-options '
                         'or --max-iters); drop one of them')
    if not name:
        stem = osp.splitext(osp.basename(config))[0]
        names = spec.names()
        name = f'{stem}_{spec.preset}' if spec.preset else \
            f'{stem}_' + ('-'.join(names[a.key] for a in spec.axes)
                          or 'seeds')
    texts = {}
    for run in runs:
        preflight.check_cfg_option_keys(base, run.overrides)
        cfg = base.copy()
        _apply(cfg, run.overrides)
        preflight.check_focal_gamma(cfg.model)
        texts[run.run_id] = config_text(cfg)
    return SweepPlan(
        name=name, sweep_dir=osp.join(root, name), config=config, spec=spec,
        runs=runs, configs=texts, fixed=fixed,
        max_iters=(base.get('train_cfg') or {}).get('max_iters'),
        command=command or ' '.join(sys.argv),
        train_args=list(train_args or []))


def prepare_datasets(configs: List[str]) -> None:
    """Generate the embedded dataset once, before parallel runs start, or
    every run would find it missing and write the same files at once.
    ``configs``: the config files the runs will train."""
    import inspect
    from mmengine.config import Config
    from custom_modules.apis.config import import_plugins
    seen = set()
    for path in configs:
        cfg = Config.fromfile(path)
        import_plugins(cfg)
        from mmdet.registry import DATASETS
        for loader in ('train_dataloader', 'val_dataloader'):
            ds = (cfg.get(loader) or {}).get('dataset')
            while isinstance(ds, dict) and 'dataset' in ds:
                ds = ds['dataset']  # through Repeat/ClassBalanced
            if not isinstance(ds, dict) or repr(ds) in seen:
                continue
            seen.add(repr(ds))
            cls = DATASETS.get(ds.get('type'))
            if cls is not None and 'generate_if_missing' in \
                    inspect.signature(cls.__init__).parameters:
                DATASETS.build(ds)


# --------------------------------------------------------------------------
# Running here
# --------------------------------------------------------------------------
@dataclass
class Resources:
    workers: int
    threads_per_run: int
    devices: List[List[int]] = field(default_factory=list)  # per slot
    gpus_per_run: int = 0

    def describe(self) -> str:
        if self.gpus_per_run:
            return (f'{self.workers} parallel run(s), {self.gpus_per_run} '
                    f'GPU(s) each: {self.devices}')
        return (f'{self.workers} parallel run(s) on CPU, '
                f'{self.threads_per_run} thread(s) each')


def plan_resources(workers: Optional[int] = None, gpus_per_run: int = 1,
                   cpus: Optional[int] = None, gpus: Optional[int] = None,
                   threads: Optional[int] = None) -> Resources:
    cpus = cpus or cpu_count()
    if gpus is None:
        import torch
        gpus = torch.cuda.device_count()
    if gpus:
        per = max(1, gpus_per_run)
        slots = gpus // per
        if slots < 1:
            raise ValueError(f'--gpus-per-run {per} but only {gpus} GPU(s) '
                             'are visible')
        n = min(workers or slots, slots)
        return Resources(n, threads or max(1, cpus // n),
                         [list(range(i * per, (i + 1) * per))
                          for i in range(n)], per)
    if not workers:
        try:
            memory = os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE')
        except (ValueError, OSError, AttributeError):  # not on Linux
            memory = float('inf')
        workers = max(1, min(cpus // (threads or 1),
                             int(memory / 2**30 // MEMORY_PER_CPU_RUN_GIB)))
    return Resources(workers, threads or max(1, cpus // workers),
                     [[] for _ in range(workers)], 0)


def train_command(run_dir: str, gpus_per_run: int = 0,
                  train_args: List[str] = ()) -> List[str]:
    args = [rel(TRAIN), osp.join(run_dir, CONFIG), '--work-dir', run_dir,
            '--resume', *train_args]
    if gpus_per_run > 1:
        # torchrun's standalone mode picks a free rendezvous port, so
        # parallel multi-GPU runs on one node do not collide.
        return [sys.executable, '-m', 'torch.distributed.run', '--standalone',
                f'--nproc_per_node={gpus_per_run}', *args,
                '--launcher', 'pytorch']
    return [sys.executable, *args]


def run_env(threads: int, devices: List[int]) -> Dict[str, str]:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), PYTHONUNBUFFERED='1')
    if devices:
        env['CUDA_VISIBLE_DEVICES'] = ','.join(map(str, devices))
    return env


class Launch:
    """One training process of one run."""

    def __init__(self, run_dir: str, threads: int, devices: List[int],
                 gpus_per_run: int = 0):
        self.run_dir = run_dir
        info = read_json(osp.join(run_dir, RUN_JSON)) or {}
        self.command = train_command(run_dir, gpus_per_run,
                                     info.get('train_args') or [])
        self.t0 = time.time()
        self.stopped = False
        banner = (f'\n===== {time.strftime("%Y-%m-%dT%H:%M:%S")} launch: '
                  f'{" ".join(self.command)}\n')
        self.out = open(osp.join(run_dir, STDOUT), 'a')
        self.err = open(osp.join(run_dir, STDERR), 'a')
        for f in (self.out, self.err):
            f.write(banner)
            f.flush()
        # A session of its own: stopping it stops its dataloader workers
        # and torchrun's children too.
        self.proc = subprocess.Popen(
            self.command, stdout=self.out, stderr=self.err,
            stdin=subprocess.DEVNULL, env=run_env(threads, devices),
            start_new_session=True)

    def stop(self) -> None:
        """SIGINT (Python unwinds and the interrupt hook saves), SIGTERM if
        it is ignored (a background job of a non-interactive shell ignores
        SIGINT), SIGKILL last."""
        self.stopped = True
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 20),
                          (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(wait)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue

    def finish(self) -> str:
        rc = self.proc.wait()
        for f in (self.out, self.err):
            f.close()
        if self.stopped:
            return 'pending'
        if rc == WorkDirBusy.exit_code:
            # Another process holds the run dir (apis/train.work_dir_lock)
            # and will finish the run: not this run's failure.
            return 'busy'
        if rc == 0 and finished(self.run_dir):
            # An earlier failure is history now (its tail is in stderr.log).
            if osp.isfile(osp.join(self.run_dir, ERROR)):
                os.remove(osp.join(self.run_dir, ERROR))
            return 'done'
        with open(osp.join(self.run_dir, STDERR), 'rb') as f:
            f.seek(max(0, os.path.getsize(f.name) - 16384))
            tail = f.read().decode('utf-8', 'replace').splitlines()[-20:]
        with open(osp.join(self.run_dir, ERROR), 'w') as f:
            f.write(f'exit code {rc}; last lines of {STDERR}:\n')
            f.write('\n'.join(tail) + '\n')
        return 'failed'


class Progress:
    """Runs finished out of all, with an ETA from what runs really cost:
    the wall time of runs finished in this invocation or recorded in the
    DONE markers of earlier ones (skipped runs finish instantly and would
    make the rest look free). One line per event in a log file."""

    def __init__(self, total: int, workers: int, stream=None):
        self.total, self.workers = total, max(1, workers)
        self.stream = stream or sys.stderr
        self.done = self.failed = self.running = 0
        self.durations: List[float] = []
        self.start = time.time()

    def eta(self) -> Optional[float]:
        left = self.total - self.done - self.failed
        if left <= 0:
            return 0.0
        if not self.durations:
            return None
        # In waves of `workers`; a partly filled last wave costs a run.
        return sum(self.durations) / len(self.durations) * \
            math.ceil(left / self.workers)

    def line(self) -> str:
        def hms(s):
            return '--:--' if s is None else time.strftime(
                '%H:%M:%S', time.gmtime(s))
        parts = [f'{self.done + self.failed}/{self.total} runs']
        if self.running:
            parts.append(f'{self.running} running')
        if self.failed:
            parts.append(f'{self.failed} failed')
        parts += [f'elapsed {hms(time.time() - self.start)}',
                  f'ETA {hms(self.eta())}']
        return ' | '.join(parts)

    def say(self, message: str) -> None:
        self.stream.write(f'{message}\n[sweep] {self.line()}\n')
        self.stream.flush()


def run_sweep(run_dirs: List[str], resources: Resources,
              progress: bool = True, stream=None,
              poll_seconds: float = 0.5,
              on_finish: Optional[Callable[[str, str], None]] = None
              ) -> Dict[str, List[str]]:
    """Run every run dir that is not done, ``resources.workers`` at a
    time. Returns ``{'done', 'failed', 'skipped', 'busy'}`` lists of run
    dirs (busy: another process holds the run dir and trains it);
    re-raises KeyboardInterrupt (and SIGTERM, as one) after stopping the
    runs.

    ``on_finish(run_dir, status)`` is called as each run ends, while the
    others go on: a study of many hours then writes its tables after every
    run, so what a killed session leaves on disk is already a result. An
    error in it is reported and the sweep goes on: training outranks a
    page."""
    result: Dict[str, List[str]] = dict(done=[], failed=[], skipped=[],
                                        busy=[])
    bar = Progress(len(run_dirs), resources.workers, stream)
    queue = []
    for d in run_dirs:
        if run_status(d) == 'done':
            result['skipped'].append(d)
            bar.done += 1
            seconds = (read_json(osp.join(d, DONE)) or {}).get('wall_seconds')
            if seconds:
                bar.durations.append(seconds)
        else:
            queue.append(d)
    if progress:
        bar.say(f'{len(result["skipped"])} run(s) already done, '
                f'{len(queue)} to run: {resources.describe()}')
    free = list(range(resources.workers))
    running: Dict[int, Launch] = {}
    old = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread
        old = None
    try:
        while queue or running:
            while queue and free:
                slot = free.pop(0)
                running[slot] = Launch(queue.pop(0),
                                       resources.threads_per_run,
                                       resources.devices[slot],
                                       resources.gpus_per_run)
            bar.running = len(running)
            for slot, p in list(running.items()):
                if p.proc.poll() is None:
                    continue
                status = p.finish()
                del running[slot]
                free.append(slot)
                bar.running = len(running)
                name = osp.basename(p.run_dir)
                if status == 'done':
                    result['done'].append(p.run_dir)
                    bar.done += 1
                    bar.durations.append(time.time() - p.t0)
                    msg = f'done   {name} ({time.time() - p.t0:.0f} s)'
                elif status == 'busy':
                    result['busy'].append(p.run_dir)
                    bar.total -= 1
                    msg = (f'busy   {name}: another process is training it; '
                           'left to that process')
                else:
                    result['failed'].append(p.run_dir)
                    bar.failed += 1
                    msg = f'FAILED {name}: see {osp.join(p.run_dir, ERROR)}'
                if progress:
                    bar.say(msg)
                if on_finish is not None:
                    try:
                        on_finish(p.run_dir, status)
                    except Exception as e:  # noqa: BLE001 (see docstring)
                        bar.say(f'after {name}: {type(e).__name__}: {e}')
            if running:
                time.sleep(poll_seconds)
    except KeyboardInterrupt:
        for p in running.values():
            p.stop()
        for p in running.values():
            p.finish()
        raise
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)
    return result


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


# --------------------------------------------------------------------------
# Running on Slurm
# --------------------------------------------------------------------------
@dataclass
class SlurmOptions:
    gpus_per_run: int = 1
    cpus_per_task: int = 8
    partition: Optional[str] = None
    time: Optional[str] = None          # e.g. '04:00:00'
    mem: Optional[str] = None           # e.g. '32G'
    max_parallel: Optional[int] = None  # the %N of --array
    account: Optional[str] = None


def collect_command(sweep_dir: str, doc: Optional[str] = None) -> List[str]:
    return [sys.executable, rel(SWEEP_TOOL), '--collect', sweep_dir] + (
        ['--doc', doc] if doc else [])


def write_array_script(sweep_dir: str, name: str, run_dirs: List[str],
                       opts: SlurmOptions, doc: Optional[str] = None) -> str:
    """``SWEEP/slurm/sweep.sbatch``: task i trains run i with tools/train.py
    (--resume: a resubmitted array continues, and DONE runs return at
    once). Returns its path."""
    if not run_dirs:
        raise ValueError('no runs to submit')
    log_dir = osp.join(sweep_dir, 'slurm')
    os.makedirs(log_dir, exist_ok=True)
    q = shlex.quote
    array = f'0-{len(run_dirs) - 1}' + (
        f'%{opts.max_parallel}' if opts.max_parallel else '')
    lines = ['#!/usr/bin/env bash',
             f'# Sweep {name}: {len(run_dirs)} runs, one array task each; '
             'written by tools/sweep.py --launcher slurm.',
             '# Resubmit to finish: done runs are skipped, the others resume.',
             f'#SBATCH --job-name=sweep-{name}',
             f'#SBATCH --array={array}',
             f'#SBATCH --output={log_dir}/%A_%a.log',
             '#SBATCH --nodes=1', '#SBATCH --ntasks=1',
             f'#SBATCH --cpus-per-task={opts.cpus_per_task}']
    if opts.gpus_per_run:
        lines.append(f'#SBATCH --gres=gpu:{opts.gpus_per_run}')
    for flag in ('partition', 'time', 'mem', 'account'):
        if getattr(opts, flag):
            lines.append(f'#SBATCH --{flag}={getattr(opts, flag)}')
    cmd = train_command('"$RUN_DIR"', opts.gpus_per_run)
    lines += ['set -euo pipefail', f'cd {q(os.getcwd())}', 'RUN_DIRS=(']
    lines += [f'  {q(d)}' for d in run_dirs]
    lines += [')', 'RUN_DIR=${RUN_DIRS[$SLURM_ARRAY_TASK_ID]}',
              f'[ -f "$RUN_DIR/{DONE}" ] && {{ echo "$RUN_DIR: done"; exit 0; }}',
              'export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}',
              # A failure leaves error.txt, as a local sweep does. The
              # lock's exit code is not a failure: a resubmitted array can
              # reach a run whose first task still trains it, and that task
              # will finish it.
              ' '.join(c if '$' in c else q(c) for c in cmd) +
              ' 2>>"$RUN_DIR/stderr.log" || { rc=$?; '
              f'if [ $rc -eq {WorkDirBusy.exit_code} ]; then echo "$RUN_DIR: '
              'busy, another task trains it"; exit 0; fi; '
              '{ echo "exit code $rc; '
              'last lines of stderr.log:"; tail -n 20 "$RUN_DIR/stderr.log"; '
              '} > "$RUN_DIR/error.txt"; exit $rc; }',
              'rm -f "$RUN_DIR/error.txt"',
              '# When all tasks have ended: ' +
              ' '.join(q(c) for c in collect_command(sweep_dir, doc))]
    path = osp.join(log_dir, 'sweep.sbatch')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.chmod(path, 0o755)
    return path


def submit(script: str, sweep_dir: str, name: str, doc: Optional[str] = None,
           opts: Optional[SlurmOptions] = None) -> List[str]:
    """sbatch the array, then a one-CPU collection job that waits for it;
    returns both job ids."""
    array_id = subprocess.run(['sbatch', '--parsable', script], check=True,
                              capture_output=True, text=True
                              ).stdout.strip().split(';')[0]
    collect = ['sbatch', '--parsable', f'--dependency=afterany:{array_id}',
               f'--job-name=collect-{name}', '--ntasks=1',
               '--cpus-per-task=1',
               f'--output={osp.join(sweep_dir, "slurm", "collect_%j.log")}']
    for flag in ('partition', 'account'):
        if opts and getattr(opts, flag):
            collect.append(f'--{flag}={getattr(opts, flag)}')
    collect += [f'--chdir={os.getcwd()}', '--wrap',
                ' '.join(shlex.quote(c) for c in
                         collect_command(sweep_dir, doc))]
    second = subprocess.run(collect, check=True, capture_output=True,
                            text=True).stdout.strip().split(';')[0]
    return [array_id, second]
