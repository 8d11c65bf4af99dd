"""AP against training minutes for one or more runs, each with the compute
path it trained on (precision, instruction set, threads).

    python tools/analysis/time_to_accuracy.py work_dirs/demo \
        work_dirs/demo_bf16:bf16 --target 50 --out docs/time_to_accuracy.md

A run is WORK_DIR or WORK_DIR:LABEL. Pages go under work_dirs/analysis/ unless
--out says otherwise; the PNG goes to images/<page name>.png beside the page.
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
    args = p.parse_args(argv)
    if not args.runs and not args.record:
        raise UserError('give at least one WORK_DIR or --record CONFIG_NAME')
    from custom_modules.analysis import time_to_accuracy as tta
    from custom_modules.reporting import environment, machine_table
    runs = []
    for spec in args.runs:
        work_dir, _, label = spec.partition(':')
        try:
            runs.append(tta.read_run(work_dir, label or None))
        except ValueError as err:
            raise UserError(str(err)) from None
    for spec in args.record:
        name, _, label = spec.partition(':')
        try:
            runs.append(tta.read_record('docs/benchmark_results.json', name,
                                        label or None))
        except ValueError as err:
            raise UserError(str(err)) from None
    target = args.target / 100
    png = osp.join(osp.dirname(args.out) or '.', 'images',
                   osp.splitext(osp.basename(args.out))[0] + '.png')
    tta.plot_runs(runs, png, target, args.budget)
    cmd = ' '.join(['python tools/analysis/time_to_accuracy.py',
                    *map(shlex.quote, args.runs),
                    *[f'--record {shlex.quote(r)}' for r in args.record],
                    f'--target {args.target:g}', f'--out {args.out}',
                    *([f'--readme {args.readme}'] if args.readme else [])])
    with open(args.out, 'w') as f:
        f.write(tta.render_markdown(runs, target, cmd,
                                    machine_table(environment()),
                                    plot=osp.relpath(png, osp.dirname(
                                        args.out) or '.')))
    if args.readme:
        tta.write_readme_section(args.readme, runs, target, args.out)
    for run in runs:
        s = tta.summarize(run, target)
        hit = ('not reached' if s['hit_iter'] is None
               else f"{s['hit_minutes']:.1f} min (iter {s['hit_iter']})")
        print(f"{s['label']} [{s['path']}]: {args.target:g} AP at {hit}; "
              f"final {100 * s['final_ap']:.1f} AP at "
              f"{s['final_minutes']:.1f} min")
    print(f'wrote {args.out} and {png}')


if __name__ == '__main__':
    main()
