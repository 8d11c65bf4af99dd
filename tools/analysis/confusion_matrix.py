"""Confusion matrix of a detector's test detections, with background.

    python tools/test.py CONFIG CKPT --out dets.pkl
    python tools/analysis/confusion_matrix.py CONFIG dets.pkl [--score-thr 0.3]
"""
import argparse
import sys

from mmengine.config import DictAction

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('dets', help='tools/test.py --out .pkl')
    p.add_argument('--score-thr', type=float, default=0.3)
    p.add_argument('--tp-iou-thr', type=float, default=0.5)
    p.add_argument('--out', default='work_dirs/analysis/confusion_matrix.png')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = p.parse_args(argv)
    from custom_modules.analysis.confusion_matrix import (confusion_matrix,
                                                          save_plot)
    matrix, labels = confusion_matrix(args.config, args.dets, args.score_thr,
                                      args.tp_iou_thr, args.cfg_options)
    print(f'wrote {save_plot(matrix, labels, args.out)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
