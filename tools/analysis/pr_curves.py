"""Per-class precision-recall curves at IoU 0.5 and 0.75, as one PNG.

    python tools/test.py CONFIG CKPT --out dets.pkl
    python tools/analysis/pr_curves.py CONFIG dets.pkl [--out work_dirs/analysis/pr_curves.png]
"""
import argparse
import sys

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('detections', help='tools/test.py --out .pkl')
    p.add_argument('--out', default='work_dirs/analysis/pr_curves.png')
    args = p.parse_args(argv)
    from custom_modules.analysis.detection_errors import load_detections
    from custom_modules.analysis.pr_curves import plot, pr_curves
    coco_gt, results, classes = load_detections(args.config, args.detections)
    print(f'wrote {plot(pr_curves(coco_gt, results, classes), args.out)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
