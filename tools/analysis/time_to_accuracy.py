"""AP against training minutes for one or more runs, each with the compute
path it trained on (precision, instruction set, threads).

    python tools/analysis/time_to_accuracy.py work_dirs/demo \
        work_dirs/demo_bf16:bf16 --target 50 --out docs/time_to_accuracy.md

A run is WORK_DIR or WORK_DIR:LABEL. Pages go under work_dirs/analysis/ unless
--out says otherwise; the PNG goes to images/<page name>.png beside the page.
The page keeps the runs it showed in <page name>.json beside it: a later call
adds runs (or re-reads one of the same label) without the earlier work dirs,
which may have been on another machine; --drop LABEL removes one,
--rename OLD=NEW relabels one (its config's recipe changed since), --fresh
starts over.
What the columns mean: custom_modules/analysis/time_to_accuracy.py.
"""
import argparse
import os.path as osp
import shlex

from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('runs', nargs='*', metavar='WORK_DIR[:LABEL]')
    p.add_argument('--record', action='append', default=[],
                   metavar='CONFIG_NAME[:LABEL]',
                   help='also a curve from docs/benchmark_results.json (a '
                   'run trained on another machine); say its compute path '
                   'in LABEL')
    p.add_argument('--target', type=float, default=50.0,
                   help='target COCO AP in %% (default 50)')
    p.add_argument('--budget', type=float, default=20.0,
                   help='minutes marked on the plot (default 20)')
    p.add_argument('--out', default='work_dirs/analysis/time_to_accuracy.md')
    p.add_argument('--readme', metavar='MD',
                   help='also write the summary table into the '
                   '<!-- time_to_accuracy:begin/end --> section of MD')
    p.add_argument('--drop', action='append', default=[], metavar='LABEL',
                   help='remove the run with this label from the page')
    p.add_argument('--rename', action='append', default=[],
                   metavar='OLD=NEW', help='relabel a kept run (say, after '
                   'its config changed recipe)')
    p.add_argument('--fresh', action='store_true',
                   help='start the page over instead of keeping the runs it '
                   'holds (kept in the .json beside --out)')
    args = p.parse_args(argv)
    from custom_modules.analysis import time_to_accuracy as tta
    from custom_modules.reporting import environment, write_page
    store = tta.store_path(args.out)
    cmd = ' '.join(['python tools/analysis/time_to_accuracy.py',
                    *map(shlex.quote, args.runs),
                    *[f'--record {shlex.quote(r)}' for r in args.record],
                    *[f'--rename {shlex.quote(r)}' for r in args.rename],
                    *[f'--drop {shlex.quote(r)}' for r in args.drop],
                    f'--target {args.target:g}', f'--out {args.out}',
                    *([f'--readme {args.readme}'] if args.readme else []),
                    *(['--fresh'] if args.fresh else [])])
    try:
        kept = [] if args.fresh else tta.load_runs(store)
    except ValueError as err:
        raise UserError(str(err)) from None
    if not (args.runs or args.record or kept):
        raise UserError('give at least one WORK_DIR or --record CONFIG_NAME')
    new = []
    for spec in args.runs:
        work_dir, _, label = spec.partition(':')
        try:
            new.append(tta.read_run(work_dir, label or None))
        except ValueError as err:
            raise UserError(str(err)) from None
        new[-1]['machine'] = environment()
    for spec in args.record:
        name, _, label = spec.partition(':')
        try:
            new.append(tta.read_record('docs/benchmark_results.json', name,
                                       label or None))
        except ValueError as err:
            raise UserError(str(err)) from None
    for run in new:
        run['command'] = cmd
    rename = {}
    for spec in args.rename:
        old, sep, label = spec.partition('=')
        if not (sep and old and label):
            raise UserError(f'--rename {spec!r}: write OLD LABEL=NEW LABEL')
        rename[old] = label
    try:
        runs = tta.merge_runs(kept, new, args.drop, rename)
    except ValueError as err:
        raise UserError(str(err)) from None
    if not runs:
        raise UserError('the page would be empty; give a WORK_DIR to show')
    target = args.target / 100
    png = osp.join(osp.dirname(args.out) or '.', 'images',
                   osp.splitext(osp.basename(args.out))[0] + '.png')
    tta.plot_runs(runs, png, target, args.budget)
    write_page(args.out, tta.render_markdown(
        runs, target, cmd, store=store,
        plot=osp.relpath(png, osp.dirname(args.out) or '.')))
    tta.save_runs(store, runs)
    if args.readme:
        tta.write_readme_section(args.readme, runs, target, args.out)
    for run in runs:
        s = tta.summarize(run, target)
        hit = ('not reached' if s['hit_iter'] is None
               else f"at {s['hit_minutes']:.1f} min (iter {s['hit_iter']})")
        print(f"{s['label']} [{s['path']}]: {args.target:g} AP {hit}; "
              f"final {100 * s['final_ap']:.1f} AP at "
              f"{s['final_minutes']:.1f} min")
    print(f'wrote {args.out} and {png}')


if __name__ == '__main__':
    main()
