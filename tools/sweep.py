"""Sweep config keys over many training runs, in parallel and resumably.

    # any config keys; full grid (or --zip for paired lists), several seeds
    python tools/sweep.py CONFIG \\
        --grid model.bbox_head.loss_cls.gamma=0,0.5,1,2,5 \\
        --grid model.bbox_head.loss_cls.alpha=0.25,0.5,0.75 --seeds 0,1

    # the RetinaNet paper's Table 1a / 1b, shortened to 300 iterations
    python tools/sweep.py CONFIG --preset focal-gamma --seeds 0,1 \\
        --max-iters 300 --name focal_gamma --doc docs/ablations.md

    # the same table at fewer points (--grid narrows a preset's axes; the CE
    # baseline and "best alpha per gamma" stay, run ids are the full study's)
    python tools/sweep.py CONFIG --preset focal-gamma --seeds 0,1 \
        --grid model.bbox_head.loss_cls.gamma=0,1,2,5 \
        --grid model.bbox_head.loss_cls.alpha=0.25,0.75

    python tools/sweep.py CONFIG --spec sweep.yaml          # same, from a file
    python tools/sweep.py CONFIG ... --dry-run              # list the runs
    python tools/sweep.py CONFIG ... --launcher slurm --submit --partition gpu
    python tools/sweep.py --collect work_dirs/sweeps/NAME   # tables + plots

Each run is its config dumped to work_dirs/sweeps/NAME/<run_id>/config.py,
trained by `tools/train.py <run_dir>/config.py --work-dir <run_dir> --resume`.
Rerun the same command after an interruption: finished runs (DONE) are
skipped, the others resume from their last checkpoint. With --doc, a rerun on
a new machine also skips the runs that the doc's committed record
(docs/ablations/NAME/runs.json) holds finished with the same recipe, and the
page shows them beside the new ones (--retrain trains them again). Presets
are the spec files in configs/sweeps/.
Exit status: 0 when every run finished, 1 when some failed, 130 when
interrupted, 2 for a usage error.
"""
import argparse
import os
import sys


from mmengine.config import DictAction

from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config', nargs='?', help='the config every run starts from')
    what = p.add_argument_group('what to run')
    what.add_argument('--grid', action='append', default=[], metavar='KEY=V1,V2',
                      help='a swept config key and its values (Python '
                      'literals); repeat for more axes. With --preset: '
                      'narrows one of the preset\'s axes')
    what.add_argument('--zip', action='store_true',
                      help='pair the i-th values of all axes instead of '
                      'taking the full grid')
    what.add_argument('--seeds', help="seeds (randomness.seed): '0,1' or '0-4'")
    what.add_argument('--preset', help='a spec file of configs/sweeps/ by '
                      'name: focal-alpha (RetinaNet Table 1a) or focal-gamma '
                      '(Table 1b, best alpha per gamma), each with a CE row')
    what.add_argument('--spec', metavar='FILE',
                      help='sweep spec as YAML/JSON or a Python dict; flags '
                      'override it')
    what.add_argument('--name', help='sweep name (default: from config and '
                      'axes); the sweep lives in ROOT/NAME')
    what.add_argument('--root', default=os.path.join('work_dirs', 'sweeps'))
    what.add_argument('--max-iters', type=int, help='shorten every run to N '
                      'iterations; warm-up, decay, validation and checkpoint '
                      'intervals are rescaled to match')
    what.add_argument('--val-interval', type=int,
                      help='validation interval (default: rescaled)')
    what.add_argument('--cfg-options', nargs='+', action=DictAction,
                      default={}, help='fixed overrides for every run')
    what.add_argument('--amp', action='store_true',
                      help='pass --amp to every run (GPU)')
    how = p.add_argument_group('where to run')
    how.add_argument('--workers', type=int, help='parallel runs (default: '
                     'one per GPU, or one per CPU core, 1 thread each)')
    how.add_argument('--threads', type=int, default=None,
                     help='CPU threads per run (default: cores / workers)')
    how.add_argument('--gpus-per-run', type=int, default=1,
                     help='GPUs per run; >1 starts each run with torchrun')
    how.add_argument('--launcher', choices=['none', 'slurm'], default='none',
                     help='none: run here; slurm: write a job array script')
    how.add_argument('--submit', action='store_true',
                     help='with --launcher slurm: sbatch the array and a '
                     'collection job')
    how.add_argument('--partition')
    how.add_argument('--time', help="Slurm time limit per run, e.g. '4:00:00'")
    how.add_argument('--mem')
    how.add_argument('--account')
    how.add_argument('--cpus-per-task', type=int, default=8)
    how.add_argument('--max-parallel', type=int,
                     help='at most N array tasks at once')
    how.add_argument('--dry-run', action='store_true',
                     help='list the runs and their commands, run nothing')
    out = p.add_argument_group('results')
    out.add_argument('--collect', metavar='SWEEP_DIR',
                     help='only rebuild results, summary and plots from the '
                     'run dirs of SWEEP_DIR')
    out.add_argument('--doc', metavar='MD', help='also write this sweep\'s '
                     'section of a markdown file, e.g. docs/ablations.md')
    out.add_argument('--retrain', action='store_true',
                     help="with --doc: train runs that the doc's record "
                     'holds finished with the same recipe (skipped '
                     'otherwise, so that a rerun on a new machine goes on '
                     'where the record stops)')
    out.add_argument('--no-plots', action='store_true')
    out.add_argument('--no-collect', action='store_true',
                     help='skip collection after the runs')
    out.add_argument('--no-progress', action='store_true')
    return p.parse_args(argv)


def _print_collected(collected):
    for path in collected['written']:
        print(path)
    counts = ', '.join(f'{v} {k}' for k, v in sorted(
        collected['counts'].items()))
    print(f'runs: {counts}')


@user_errors_as_one_line
def main(argv=None):
    args = parse_args(argv)
    from custom_modules.sweep import launch, spec as sweep_spec
    from custom_modules.sweep.results import collect_sweep

    if args.collect:
        try:
            _print_collected(collect_sweep(args.collect, doc=args.doc,
                                           plots=not args.no_plots))
        except FileNotFoundError as err:
            raise UserError(str(err)) from None
        return
    try:
        spec_file = sweep_spec.load_spec_file(args.spec) if args.spec else {}
        config = args.config or spec_file.get('config')
        if not config:
            raise UserError('give a CONFIG (or `config:` in the spec file)')
        spec = sweep_spec.build_spec(args.grid, args.zip, args.seeds,
                                     args.preset, spec_file)
        plan = launch.build_plan(
            config, spec, name=args.name or spec_file.get('name'),
            max_iters=args.max_iters or spec_file.get('max_iters'),
            val_interval=args.val_interval or spec_file.get('val_interval'),
            cfg_options={**(spec_file.get('cfg_options') or {}),
                         **args.cfg_options},
            root=args.root, command=' '.join(['python'] + sys.argv),
            train_args=['--amp'] if args.amp else [])
        resources = None if args.launcher == 'slurm' else \
            launch.plan_resources(args.workers or spec_file.get('workers'),
                                  args.gpus_per_run, threads=args.threads)
    except (ValueError, FileNotFoundError) as err:
        raise UserError(str(err)) from None
    run_dirs = [plan.run_dir(r) for r in plan.runs]
    skip = []
    if args.doc and not args.retrain:
        from custom_modules.sweep.results import runs_to_skip
        try:
            skip = runs_to_skip(plan, args.doc)
        except ValueError as err:
            raise UserError(str(err)) from None
    if skip:
        print(f'{len(skip)} run(s) finished in the record of {args.doc} '
              'with this recipe, not trained again (--retrain trains them)')
    todo = [d for d in run_dirs if d not in skip]

    if args.dry_run:
        print(f'sweep {plan.name}: {len(plan.runs)} runs -> {plan.sweep_dir}')
        if resources:
            print(resources.describe())
        for run, d in zip(plan.runs, run_dirs):
            print(f'{run.run_id}: ' + ' '.join(f'{k}={v}' for k, v in
                                               run.overrides.items())
                  + (' (in the record: skipped)' if d in skip else ''))
            print('  ' + ' '.join(launch.train_command(
                d, resources.gpus_per_run if resources else 0)))
        return
    try:
        plan.write()
    except ValueError as err:
        raise UserError(str(err)) from None
    launch.prepare_datasets([os.path.join(d, launch.CONFIG)
                             for d in run_dirs])
    if args.launcher == 'slurm':
        opts = launch.SlurmOptions(
            gpus_per_run=args.gpus_per_run, cpus_per_task=args.cpus_per_task,
            partition=args.partition, time=args.time, mem=args.mem,
            account=args.account, max_parallel=args.max_parallel)
        script = launch.write_array_script(plan.sweep_dir, plan.name,
                                           todo, opts, doc=args.doc)
        print(f'job array script: {script}')
        if args.submit:
            ids = launch.submit(script, plan.sweep_dir, plan.name,
                                doc=args.doc, opts=opts)
            print(f'submitted array {ids[0]}, collection job {ids[1]}')
        else:
            print(f'submit with: sbatch {script}')
        return
    try:
        # the tables (and --doc's page and record) after every finished
        # run: a sweep of hours cut short has written what it finished
        result = launch.run_sweep(
            todo, resources,
            progress=not args.no_progress,
            on_finish=None if args.no_collect else
            lambda run_dir, status: collect_sweep(
                plan.sweep_dir, doc=args.doc, plots=not args.no_plots))
    except KeyboardInterrupt:
        print(f'\ninterrupted; rerun the same command to resume '
              f'({plan.sweep_dir})', file=sys.stderr)
        sys.exit(130)
    if not args.no_collect:
        _print_collected(collect_sweep(plan.sweep_dir, doc=args.doc,
                                       plots=not args.no_plots))
    if result['failed']:
        print(f'{len(result["failed"])} run(s) failed; their errors are in '
              'error.txt of each run dir and in results.csv',
              file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
