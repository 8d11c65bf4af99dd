"""Where a detector's AP goes: missed, mislabelled, mislocated or loose
boxes, by object size, and the AP that forgiving classification or
localisation would give. Writes a markdown page.

    python tools/test.py configs/retinanet_r50_fpn.py work_dirs/demo --out dets.pkl
    python tools/analysis/detection_errors.py configs/retinanet_r50_fpn.py dets.pkl

What each bucket means: custom_modules/analysis/detection_errors.py.
"""
import argparse
import contextlib
import io
import os
import os.path as osp
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

from custom_modules.apis.cli import user_errors_as_one_line  # noqa: E402
from custom_modules.errors import UserError  # noqa: E402


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('detections',
                   help='the .pkl that tools/test.py CONFIG CKPT --out writes')
    p.add_argument('--score-thr', type=float, default=0.3,
                   help='operating point of the per-object view')
    p.add_argument('--out', help='markdown page (default: '
                   'docs/detection_errors_<config>.md)')
    args = p.parse_args(argv)
    from pycocotools.coco import COCO

    from custom_modules.analysis import detection_errors as de
    from custom_modules.apis import benchmark as bench
    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(args.config)
    import_plugins(cfg)
    if not osp.isfile(args.detections):
        raise UserError(
            f'detections file not found: {args.detections}: write it with '
            f'`python tools/test.py {args.config} CHECKPOINT --out '
            f'{args.detections}`.')
    ann_file = cfg.test_evaluator.get('ann_file')
    if not ann_file or not osp.isfile(ann_file):
        raise UserError(
            f'{args.config}: test_evaluator.ann_file {ann_file!r} is not a '
            'COCO annotation file on disk; this analysis needs COCO-format '
            'ground truth (VOC: convert it with tools/dataset_converters/).')
    from mmdet.registry import DATASETS
    ds_cfg = cfg.test_dataloader.dataset
    classes = (ds_cfg.get('metainfo') or {}).get('classes') or \
        DATASETS.get(ds_cfg.type).METAINFO['classes']
    with open(args.detections, 'rb') as f:
        dumped = pickle.load(f)
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools' chatter
        coco_gt = COCO(ann_file)
    results = de.results_from_dump(dumped, classes,
                                   coco_gt.loadCats(coco_gt.getCatIds()))
    summary = de.analyse(coco_gt, results, args.score_thr)
    name = osp.splitext(osp.basename(args.config))[0]
    out = args.out or osp.join('docs', f'detection_errors_{name}.md')
    cmd = (f'python tools/analysis/detection_errors.py {args.config} '
           f'{args.detections}')
    with open(out, 'w') as f:
        f.write(de.render_markdown(summary, bench.environment(), cmd, name))
    print(f"AP {100 * summary['ap']:.1f}, class-agnostic "
          f"{100 * summary['class_agnostic_ap']:.1f}, at IoU 0.1 "
          f"{100 * summary['ap_iou10']:.1f}")
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
