"""A sweep plan: the runs of a sweep, checked against the config before any
of them starts.

Building the plan is where every mistake that would otherwise surface one
run at a time, minutes later, is caught at once:

* a misspelt key (``loss_cls.gama``) is rejected with the config's
  pre-flight check, the same one ``tools/train.py`` runs;
* a value that ``--cfg-options`` cannot carry faithfully is rejected
  (see :mod:`.overrides`);
* ``--max-iters`` becomes a consistent set of schedule overrides (see
  :mod:`.schedule`), fixed for every run;
* a swept key that a fixed override also sets is reported, since one of
  them would silently lose.

The plan is written to ``sweep.json`` and each run's part of it to its
``run.json``; both are plain JSON that a person can read.
"""
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from custom_modules.reporting import environment
from .grid import Run, SweepSpec, expand_runs, run_id_names
from .overrides import flatten_overrides, to_cfg_options
from .rundir import RUN_JSON, SWEEP_JSON, read_json, write_json_atomic
from .schedule import shorten_schedule

DEFAULT_ROOT = osp.join('work_dirs', 'sweeps')


@dataclass
class SweepPlan:
    name: str
    sweep_dir: str
    config: str
    spec: SweepSpec
    runs: List[Run]
    # Applied to every run: the shortened schedule and the user's own
    # --cfg-options. A run's swept overrides come after them.
    fixed_overrides: Dict[str, Any] = field(default_factory=dict)
    max_iters: Optional[int] = None
    command: str = ''
    train_args: List[str] = field(default_factory=list)
    environment: Dict[str, Any] = field(default_factory=dict)

    def run_dir(self, run: Run) -> str:
        return osp.join(self.sweep_dir, run.run_id)

    def overrides(self, run: Run) -> Dict[str, Any]:
        return {**self.fixed_overrides, **run.overrides}

    def cfg_options(self, run: Run) -> List[str]:
        return to_cfg_options(self.overrides(run))

    def sweep_info(self) -> Dict[str, Any]:
        """What collect needs to know about the sweep as a whole; copied into
        every run.json so that run dirs alone are enough to rebuild tables."""
        return dict(name=self.name, config=self.config,
                    preset=self.spec.preset, axes=self.spec.axis_keys(),
                    short_names=run_id_names(self.spec),
                    best_over=self.spec.best_over, command=self.command,
                    seeds=self.spec.seeds, max_iters=self.max_iters,
                    fixed_overrides=self.fixed_overrides)

    def run_info(self, run: Run) -> Dict[str, Any]:
        return dict(run_id=run.run_id, label=run.label, seed=run.seed,
                    overrides=run.overrides, config=self.config,
                    max_iters=self.max_iters,
                    cfg_options=self.cfg_options(run),
                    train_args=self.train_args, sweep=self.sweep_info(),
                    environment=self.environment)

    def write(self) -> None:
        """sweep.json, plus a run.json in every run dir (created here so that
        a sweep interrupted before a run started still lists it)."""
        os.makedirs(self.sweep_dir, exist_ok=True)
        write_json_atomic(osp.join(self.sweep_dir, SWEEP_JSON), dict(
            created=time.strftime('%Y-%m-%dT%H:%M:%S'), **self.sweep_info(),
            train_args=self.train_args, environment=self.environment,
            runs=[dict(run_id=r.run_id, label=r.label, seed=r.seed,
                       overrides=r.overrides) for r in self.runs]))
        for run in self.runs:
            check_run_dir_matches(self.run_dir(run), self.run_info(run))
        for run in self.runs:
            run_dir = self.run_dir(run)
            os.makedirs(run_dir, exist_ok=True)
            write_json_atomic(osp.join(run_dir, RUN_JSON), self.run_info(run))


# What defines a run's training; the rest of run.json (environment, the
# sweep's command and seed list) may change between invocations.
RUN_IDENTITY = ('config', 'cfg_options', 'train_args')


def check_run_dir_matches(run_dir: str, info: Dict[str, Any]) -> None:
    """Refuse to reuse a run dir made with different settings (another
    --max-iters, another fixed --cfg-options): its DONE marker and
    checkpoints belong to another experiment, and skipping or resuming it
    would mix the two in one table."""
    old = read_json(osp.join(run_dir, RUN_JSON))
    if old is None:
        return
    changed = [k for k in RUN_IDENTITY if old.get(k) != info.get(k)]
    if changed:
        raise ValueError(
            f'{run_dir} was made by a sweep with different {changed}; '
            'give this sweep another --name, or delete that directory to '
            'start it again')


def default_name(config: str, spec: SweepSpec) -> str:
    stem = osp.splitext(osp.basename(config))[0]
    if spec.preset:
        return f'{stem}_{spec.preset}'
    names = run_id_names(spec)
    axes = '-'.join(names[k] for k in spec.axis_keys()) or 'seeds'
    return f'{stem}_{axes}'


def build_plan(config: str, spec: SweepSpec, name: Optional[str] = None,
               max_iters: Optional[int] = None,
               val_interval: Optional[int] = None,
               cfg_options: Optional[Dict[str, Any]] = None,
               root: str = DEFAULT_ROOT, command: Optional[str] = None,
               train_args: Optional[List[str]] = None) -> SweepPlan:
    """Load ``config``, expand ``spec`` into runs and check them all."""
    from custom_modules.apis import preflight
    from custom_modules.apis.config import load_config

    cfg = load_config(config, cfg_options)
    fixed: Dict[str, Any] = {}
    if max_iters is not None or val_interval is not None:
        length = max_iters or cfg.train_cfg.get('max_iters')
        if length is None:
            raise ValueError('--val-interval needs an iteration-based '
                             'schedule (train_cfg.max_iters)')
        fixed.update(shorten_schedule(cfg, length, val_interval))
    fixed.update(cfg_options or {})
    effective_max = fixed.get('train_cfg.max_iters',
                              cfg.get('train_cfg', {}).get('max_iters'))

    runs = expand_runs(spec)
    if not runs:
        raise ValueError('the sweep has no runs')
    swept_keys = set()
    for run in runs:
        swept_keys |= set(flatten_overrides(run.overrides))
    clash = sorted(swept_keys & set(flatten_overrides(fixed)))
    if clash:
        raise ValueError(f'{clash} are both swept and fixed (by --cfg-options '
                         'or --max-iters); drop one of them')
    plan = SweepPlan(
        name=name or default_name(config, spec), sweep_dir='', config=config,
        spec=spec, runs=runs, fixed_overrides=fixed, max_iters=effective_max,
        command=command or ' '.join(sys.argv),
        train_args=list(train_args or []),
        environment=environment())
    plan.sweep_dir = osp.join(root, plan.name)
    for run in runs:
        # Same checks as tools/train.py, on every run's full overrides: a
        # misspelt key fails here, not in 40 runs one after another.
        preflight.check_cfg_option_keys(cfg, flatten_overrides(
            plan.overrides(run)))
        plan.cfg_options(run)  # raises if a value cannot be passed on
    return plan

