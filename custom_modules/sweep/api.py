"""What ``tools/sweep.py`` does, as functions: assemble the spec from a
preset, a spec file and flags; check it into a plan; run it here or on
Slurm; collect.

The order of precedence is flags over spec file, and a preset is a complete
spec on its own (it cannot be mixed with ``--grid``: its table layout, best
alpha per gamma, is defined for its own axes only).
"""
import inspect
from typing import Any, Dict, List, Optional

from .grid import SweepSpec, parse_axis, parse_seeds
from .plan import SweepPlan
from .presets import get_preset, restrict_preset
from .scheduler import Resources, run_sweep
from .specfile import load_spec_file, spec_axes

DATA_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def build_spec(grid: Optional[List[str]] = None, zip_axes: bool = False,
               seeds: Optional[str] = None, preset: Optional[str] = None,
               spec_file: Optional[Dict[str, Any]] = None) -> SweepSpec:
    """One :class:`SweepSpec` from the three ways of describing a sweep."""
    spec_file = spec_file or {}
    grid = list(grid or [])
    if preset:
        if spec_file.get('points'):
            raise ValueError('--preset defines the runs; it cannot be '
                             'combined with explicit points in a spec file')
        spec = get_preset(preset)
        narrowed = spec_axes(spec_file) + [parse_axis(g) for g in grid]
        if narrowed:
            spec = restrict_preset(spec, narrowed)
    else:
        axes = spec_axes(spec_file) + [parse_axis(g) for g in grid]
        mode = 'zip' if (zip_axes or spec_file.get('zip') or
                         spec_file.get('mode') == 'zip') else 'product'
        spec = SweepSpec(axes=axes, mode=mode,
                         points=spec_file.get('points'),
                         labels=spec_file.get('labels'),
                         best_over=spec_file.get('best_over'),
                         short_names=spec_file.get('short_names') or {})
        if spec.points is not None and axes:
            raise ValueError('give either grid axes or explicit points, '
                             'not both')
        if spec.points is None and not axes and seeds is None and \
                spec_file.get('seeds') is None:
            raise ValueError('nothing to sweep: give --grid KEY=V1,V2, '
                             '--preset, --seeds or --spec FILE')
    spec.seeds = parse_seeds(seeds if seeds is not None
                             else spec_file.get('seeds'))
    return spec


def load_spec(path: Optional[str]) -> Dict[str, Any]:
    return load_spec_file(path) if path else {}


def prepare_datasets(plan: SweepPlan) -> None:
    """Generate self-generating datasets (the embedded shapes) once, here,
    before parallel runs start: otherwise every run would find the data
    missing and write the same files at the same time, and one run could
    read an image another is still writing."""
    from mmengine.config import Config
    from custom_modules.apis.config import import_plugins
    from .overrides import flatten_overrides

    cfg = Config.fromfile(plan.config)
    import_plugins(cfg)
    from mmdet.registry import DATASETS
    runs = plan.runs
    if not any(k.startswith(DATA_KEYS) for r in runs for k in r.overrides):
        runs = runs[:1]  # the data is the same for every run
    seen = set()
    for run in runs:
        run_cfg = cfg.copy()
        run_cfg.merge_from_dict(flatten_overrides(plan.overrides(run)))
        for loader in DATA_KEYS:
            ds = (run_cfg.get(loader) or {}).get('dataset')
            while isinstance(ds, dict) and 'dataset' in ds:
                ds = ds['dataset']  # look through Repeat/ClassBalanced
            if not isinstance(ds, dict) or repr(ds) in seen:
                continue
            seen.add(repr(ds))
            cls = DATASETS.get(ds.get('type'))
            if cls is not None and 'generate_if_missing' in \
                    inspect.signature(cls.__init__).parameters:
                DATASETS.build(ds)


def describe_plan(plan: SweepPlan, resources: Optional[Resources]) -> str:
    """The --dry-run listing: every run and the command that trains it."""
    from .scheduler import train_command
    lines = [f'sweep {plan.name}: {len(plan.runs)} runs -> {plan.sweep_dir}']
    if resources:
        lines.append(resources.describe())
    if plan.fixed_overrides:
        lines.append('fixed: ' + ' '.join(
            f'{k}={v}' for k, v in plan.fixed_overrides.items()))
    for run in plan.runs:
        info = plan.run_info(run)
        lines.append(f'{run.run_id}:\n  ' + ' '.join(
            train_command(info, plan.run_dir(run),
                          resources.gpus_per_run if resources else 0)))
    return '\n'.join(lines)


def run_local(plan: SweepPlan, resources: Resources, progress: bool = True,
              collect: bool = True, doc: Optional[str] = None,
              plots: bool = True) -> Dict[str, Any]:
    """Write the plan, run what is not done, collect. Returns the scheduler
    result plus, when collecting, the collection's output."""
    plan.write()
    prepare_datasets(plan)
    result: Dict[str, Any] = run_sweep(
        [plan.run_dir(r) for r in plan.runs], resources, progress=progress)
    if collect:
        from .report import collect_sweep
        result['collected'] = collect_sweep(plan.sweep_dir, doc=doc,
                                            plots=plots)
    return result


def run_slurm(plan: SweepPlan, opts, submit: bool = False,
              doc: Optional[str] = None) -> Dict[str, Any]:
    from . import slurm
    plan.write()
    prepare_datasets(plan)
    script = slurm.write_array_script(
        plan.sweep_dir, plan.name, [plan.run_dir(r) for r in plan.runs],
        opts, doc=doc)
    out: Dict[str, Any] = dict(script=script)
    if submit:
        out['job_ids'] = slurm.submit(script, plan.sweep_dir, plan.name,
                                      doc=doc, opts=opts)
    return out

