"""Evaluate a checkpoint: COCO bbox/segm AP (and per-class AP), or VOC mAP.

    python tools/test.py configs/retinanet_r50_fpn.py work_dirs/retinanet_r50_fpn/iter_400.pth
    python tools/test.py CONFIG WORK_DIR          # its last checkpoint
    python tools/test.py CONFIG CKPT --out dets.pkl --show-dir vis/

The metrics are printed and written to <work_dir>/test_metrics.json.
"""
import argparse


from mmengine.config import DictAction

from custom_modules.apis.cli import (add_launcher_arguments, export_local_rank,
                                     user_errors_as_one_line)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('checkpoint', help='a .pth, or a work dir')
    p.add_argument('--work-dir', help='where test_metrics.json and logs go')
    p.add_argument('--out', help='also dump raw detections to this .pkl')
    p.add_argument('--show-dir', help='draw predictions into this directory')
    p.add_argument('--tta', action='store_true',
                   help="test-time augmentation from the config's tta_model "
                   'and tta_pipeline (e.g. RefineDet+)')
    p.add_argument('--fuse-conv-bn', action='store_true',
                   help='fold every BatchNorm into the convolution before '
                   'it, as a deployed model runs (same AP, fewer layers)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    add_launcher_arguments(p)
    args = p.parse_args(argv)
    export_local_rank(args)
    return args


@user_errors_as_one_line
def main(argv=None):
    args = parse_args(argv)
    from custom_modules.apis.test import format_metrics, test
    metrics = test(args.config, args.checkpoint, work_dir=args.work_dir,
                   out=args.out, show_dir=args.show_dir,
                   cfg_options=args.cfg_options, launcher=args.launcher,
                   tta=args.tta, fuse_conv_bn=args.fuse_conv_bn)
    print(format_metrics(metrics))


if __name__ == '__main__':
    main()
