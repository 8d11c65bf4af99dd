"""How each loss term of one or more trained runs fell during training:
half-life, late drop, and a picture of every term relative to its first
value; from the runs' own logs, no model is run.

    python tools/analysis/loss_curves.py work_dirs/benchmark/ssd300 \
        work_dirs/benchmark/refinedet320 [--terms loss_cls ...] \
        [--out docs/loss_curves.md] [--plot docs/images/loss_curves.png]

A run is named after its work dir (seed=<s> dirs as <parent> seed=<s>).
What the columns mean: custom_modules/analysis/loss_curves.py.
"""
import argparse
import os
import os.path as osp


from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


def run_name(work_dir: str) -> str:
    work_dir = osp.normpath(work_dir)
    base = osp.basename(work_dir)
    if base.startswith('seed='):
        return f'{osp.basename(osp.dirname(work_dir))} {base}'
    return base


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('work_dirs', nargs='+')
    p.add_argument('--terms', nargs='+',
                   help='loss terms to show (default: every loss_* a run '
                   'logged)')
    p.add_argument('--out', default='docs/loss_curves.md')
    p.add_argument('--plot', help='default: images/loss_curves.png next to '
                   '--out')
    args = p.parse_args(argv)
    from custom_modules.analysis import loss_curves as lc
    from custom_modules.reporting import environment, write_page
    runs = []
    for d in args.work_dirs:
        try:
            runs.append(lc.summarize_run(run_name(d), lc.read_loss_log(d),
                                         args.terms))
        except ValueError as err:
            raise UserError(str(err)) from None
    plot = args.plot or osp.join(osp.dirname(args.out), 'images',
                                 'loss_curves.png')
    os.makedirs(osp.dirname(plot) or '.', exist_ok=True)
    lc.plot_runs(runs, plot)
    cmd = 'python tools/analysis/loss_curves.py ' + ' '.join(args.work_dirs)
    if args.terms:
        cmd += ' --terms ' + ' '.join(args.terms)
    write_page(args.out, lc.render_markdown(
        runs, environment(), cmd,
        osp.relpath(plot, osp.dirname(args.out) or '.')))
    for run in runs:
        for t in run['terms']:
            print(f"{run['name']:24s} {t['term']:16s} half-life "
                  f"{t['half_life']}  late drop {100 * t['late_drop']:.0f}%")
    print(f'wrote {args.out} and {plot}')


if __name__ == '__main__':
    main()
