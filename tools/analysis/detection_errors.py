"""Where a detector's AP goes: missed, mislabelled, mislocated or loose
boxes, by object size, and the AP that forgiving classification or
localisation would give. Writes a markdown page.

    python tools/test.py configs/retinanet_r50_fpn.py work_dirs/demo --out dets.pkl
    python tools/analysis/detection_errors.py configs/retinanet_r50_fpn.py dets.pkl

What each bucket means: custom_modules/analysis/detection_errors.py.
"""
import argparse
import os.path as osp

from custom_modules.apis.cli import user_errors_as_one_line


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
    from custom_modules.analysis import detection_errors as de
    from custom_modules import reporting
    coco_gt, results, _ = de.load_detections(args.config, args.detections)
    summary = de.analyse(coco_gt, results, args.score_thr)
    name = osp.splitext(osp.basename(args.config))[0]
    out = args.out or osp.join('docs', f'detection_errors_{name}.md')
    cmd = (f'python tools/analysis/detection_errors.py {args.config} '
           f'{args.detections}')
    with open(out, 'w') as f:
        f.write(de.render_markdown(summary, reporting.environment(), cmd, name))
    print(f"AP {100 * summary['ap']:.1f}, class-agnostic "
          f"{100 * summary['class_agnostic_ap']:.1f}, at IoU 0.1 "
          f"{100 * summary['ap_iou10']:.1f}")
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
