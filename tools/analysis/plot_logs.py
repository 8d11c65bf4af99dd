"""Plot any logged key of one or more runs, overlaid.

    python tools/analysis/plot_logs.py work_dirs/demo --keys loss_cls,coco/bbox_mAP
    python tools/analysis/plot_logs.py A:gamma2 B:gamma0 --keys loss --out work_dirs/plots/g.png
"""
import argparse
import os.path as osp
import sys

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('runs', nargs='+', metavar='WORK_DIR[:LABEL]')
    p.add_argument('--keys', default='loss,coco/bbox_mAP',
                   help='comma-separated logged keys (default: %(default)s)')
    p.add_argument('--out', default='work_dirs/plots/logs.png')
    args = p.parse_args(argv)
    from custom_modules.analysis.plot_logs import plot, read_scalars
    runs = {}
    for run in args.runs:
        work_dir, _, label = run.partition(':')
        runs[label or osp.basename(osp.normpath(work_dir))] = \
            read_scalars(work_dir)
    print(f'wrote {plot(runs, args.keys.split(","), args.out)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
