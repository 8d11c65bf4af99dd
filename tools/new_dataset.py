"""From a folder of labelled images to configs that train, in one command.

    python tools/new_dataset.py DIR --name NAME
    python tools/new_dataset.py DIR --name NAME --format voc --val-fraction 0.2
    python tools/new_dataset.py DIR --name NAME --models retinanet_r50_fpn
    python tools/new_dataset.py DIR --name NAME --pretrained torchvision

Reads Pascal VOC / LabelImg XML, COCO json, labelme, VIA or YOLO (detected
by default), writes data/NAME/ (COCO json + images) and configs/NAME/*.py,
and prints what it found and fixed. Then:

    python tools/train.py configs/NAME/retinanet_r50_fpn.py
"""
import argparse

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('dir', help='the folder with your images and labels')
    p.add_argument('--name', required=True,
                   help='dataset name: data/NAME/ and configs/NAME/')
    p.add_argument('--format', default='auto',
                   choices=['auto', 'voc', 'coco', 'labelme', 'via', 'yolo'])
    p.add_argument('--val-fraction', type=float, default=0.2,
                   help='share of images for validation when the folder '
                   'has no split of its own (default 0.2)')
    p.add_argument('--seed', type=int, default=0, help='seed of that split')
    p.add_argument('--models', help='comma-separated embedded configs '
                   '(default: every box model, and the mask models when '
                   'every object has a polygon)')
    p.add_argument('--pretrained', default='none', metavar='PATH|torchvision'
                   '|none', help='ImageNet weights for the backbone')
    p.add_argument('--data-dir', help='default: data/NAME')
    p.add_argument('--config-dir', help='default: configs/NAME')
    p.add_argument('--force', action='store_true',
                   help='replace an existing data/NAME and configs/NAME')
    args = p.parse_args(argv)
    from custom_modules.apis.new_dataset import new_dataset, summary_lines
    summary = new_dataset(
        args.dir, args.name, fmt=args.format, val_fraction=args.val_fraction,
        seed=args.seed, pretrained=args.pretrained, force=args.force,
        models=args.models.split(',') if args.models else None,
        data_dir=args.data_dir, config_dir=args.config_dir)
    print('\n'.join(summary_lines(summary)))


if __name__ == '__main__':
    main()
