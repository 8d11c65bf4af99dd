"""Walk one image through any detector, stage by stage, as a web page.

    python tools/walkthrough.py configs/retinanet_r50_fpn.py --out work_dirs/walkthrough/retinanet
    python tools/walkthrough.py configs/faster_rcnn_r50_fpn.py WORK_DIR --index 3 --out OUT
    python tools/walkthrough.py configs/refinedet320.py --image photo.jpg --out OUT --screenshot

Writes OUT/index.html (open it in any browser; its pictures sit beside it)
and OUT/walkthrough.json with every count. Without a checkpoint the model
has random weights: the page says so, and its shapes and counts are still
the model's. --screenshot renders the page in headless Chromium to
OUT/screenshot.png. What each step shows and why:
custom_modules/analysis/walkthrough.py.
"""
import argparse

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('checkpoint', nargs='?',
                   help='a .pth or a work dir (default: random weights)')
    which = p.add_mutually_exclusive_group()
    which.add_argument('--image', help='any image file (no ground truth)')
    which.add_argument('--index', type=int, default=0,
                       help='val image number (default 0)')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--score-thr', type=float, default=0.3,
                   help='draw detections scoring at least this')
    p.add_argument('--screenshot', action='store_true',
                   help='also save OUT/screenshot.png from headless Chromium')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   metavar='KEY=V')
    args = p.parse_args(argv)
    import os.path as osp
    import sys

    from custom_modules.analysis import walkthrough, walkthrough_page
    from custom_modules.apis.test import resolve_checkpoint
    ckpt = resolve_checkpoint(args.checkpoint) if args.checkpoint else None
    page = walkthrough.run(
        args.config, ckpt, args.out, image=args.image, index=args.index,
        score_thr=args.score_thr, cfg_options=args.cfg_options,
        command='python tools/walkthrough.py ' + ' '.join(
            argv if argv is not None else sys.argv[1:]))
    print(f'wrote {page}')
    if args.screenshot:
        shot = walkthrough_page.screenshot(
            page, osp.join(args.out, 'screenshot.png'))
        print(f'wrote {shot}')


if __name__ == '__main__':
    main()
