"""Run a trained detector on new images: drawn images + one COCO json.

    python tools/infer.py CONFIG CKPT photos/ --out work_dirs/infer
    python tools/infer.py CONFIG WORK_DIR photo.jpg --out out/ --score-thr 0.5

Writes OUT/vis/<image> with the boxes drawn and OUT/detections.json (COCO
format with a score per box). CKPT may be a work dir (its last checkpoint).
"""
import argparse

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('checkpoint', help='a .pth, or a work dir')
    p.add_argument('images', help='an image or a folder of images')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--score-thr', type=float, default=0.3,
                   help='draw and keep boxes scoring at least this')
    p.add_argument('--batch-size', type=int, default=1)
    p.add_argument('--device', help='cpu or cuda (default: cuda if present)')
    args = p.parse_args(argv)
    from custom_modules.apis.infer import infer
    coco = infer(args.config, args.checkpoint, args.images, args.out,
                 score_thr=args.score_thr, batch_size=args.batch_size,
                 device=args.device)
    print(f'{len(coco["images"])} images, {len(coco["annotations"])} '
          f'detections >= {args.score_thr}: {args.out}/detections.json, '
          f'{args.out}/vis/')


if __name__ == '__main__':
    main()
