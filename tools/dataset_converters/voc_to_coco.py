"""Convert Pascal VOC XML annotations to COCO json, so that VOC can be scored
with the COCO metric (AP@[0.5:0.95]) or trained through CocoDataset.

    python tools/dataset_converters/voc_to_coco.py data/VOCdevkit
        -> data/VOCdevkit/annotations/{voc07_trainval,voc07_test,
           voc12_trainval,voc0712_trainval}.json (those whose VOC year exists)
    python tools/dataset_converters/voc_to_coco.py data/VOCdevkit \\
        --splits voc07_test --out-dir /tmp/ann

A config then uses data_root='data/VOCdevkit/', data_prefix=dict(img=''),
ann_file='annotations/voc07_test.json' and the 20 VOC class names as
metainfo. Box convention and the handling of "difficult" objects:
custom_modules/datasets/converters/voc_to_coco.py.
"""
import argparse
import os
import os.path as osp


from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError
from custom_modules.datasets.converters.voc_to_coco import (
    STANDARD_SPLITS, available_standard_splits, convert_voc_to_coco,
    save_coco_json)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('devkit', help='the VOCdevkit directory (holds VOC2007/)')
    p.add_argument('--out-dir', help='default: DEVKIT/annotations')
    p.add_argument('--splits', nargs='+', choices=sorted(STANDARD_SPLITS),
                   help='which json files to write (default: every one '
                   'whose VOC years are present)')
    return p.parse_args(argv)


@user_errors_as_one_line
def main(argv=None):
    args = parse_args(argv)
    if not osp.isdir(args.devkit):
        raise UserError(f'{args.devkit} is not a directory; see the header '
                        'of configs/_base_/datasets/voc0712.py for the layout')
    todo = available_standard_splits(args.devkit, args.splits)
    missing = sorted(set(args.splits or ()) - set(todo))
    if missing or not todo:
        raise UserError(f'{args.devkit} lacks the ImageSets/Main lists for '
                        f'{missing or sorted(STANDARD_SPLITS)}')
    out_dir = args.out_dir or osp.join(args.devkit, 'annotations')
    os.makedirs(out_dir, exist_ok=True)
    for name, parts in todo.items():
        coco = convert_voc_to_coco(args.devkit, parts)
        out_file = osp.join(out_dir, f'{name}.json')
        save_coco_json(coco, out_file)
        print(f'{out_file}: {len(coco["images"])} images, '
              f'{len(coco["annotations"])} boxes from {" + ".join(parts)}')
        if coco['skipped']:
            print(f'  skipped objects of unknown classes: {coco["skipped"]}')


if __name__ == '__main__':
    main()
