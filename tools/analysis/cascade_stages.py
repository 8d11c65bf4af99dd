"""Follow Cascade R-CNN's proposals through its stages on the val split:
the IoU distribution each stage sees, the proposals at IoU >= 0.5 followed
against their object, and each object's first choice. Writes
docs/cascade_stages.md and a picture of one val image's proposals after each
stage.

    python tools/analysis/cascade_stages.py configs/cascade_rcnn_r50_fpn.py
    python tools/analysis/cascade_stages.py configs/cascade_rcnn_r50_fpn.py CKPT --max-images 50

What each number means and why it matters:
custom_modules/analysis/cascade_stages.py.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

from mmengine.config import DictAction  # noqa: E402

from custom_modules.apis.cli import user_errors_as_one_line  # noqa: E402


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('checkpoint', nargs='?',
                   help="default: the config's benchmark checkpoint "
                   '(work_dirs/benchmark/NAME), else its initial weights')
    p.add_argument('--max-images', type=int,
                   help='only the first N val images')
    p.add_argument('--image-index', type=int, default=0,
                   help='which val image the picture shows')
    p.add_argument('--out', default='docs/cascade_stages.md')
    p.add_argument('--image-out', default='docs/images/cascade_stages.png')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   metavar='KEY=V')
    args = p.parse_args(argv)
    from custom_modules.analysis import cascade_stages as cs
    from custom_modules.apis import benchmark as bench
    name = osp.splitext(osp.basename(args.config))[0]
    ckpt = args.checkpoint or bench.last_checkpoint(
        osp.join('work_dirs', 'benchmark', name))
    model, loader = cs.build(args.config, ckpt, args.cfg_options)
    summary, shown = cs.measure(model, loader, args.max_images,
                                args.image_index)
    image = None
    if shown is not None and args.image_out:
        os.makedirs(osp.dirname(args.image_out) or '.', exist_ok=True)
        cs.draw(shown, args.image_out)
        image = osp.relpath(args.image_out, osp.dirname(args.out) or '.')
    cmd = f'python tools/analysis/cascade_stages.py {args.config}'
    if args.checkpoint:
        cmd += f' {args.checkpoint}'
    if args.max_images:
        cmd += f' --max-images {args.max_images}'
    title = f"{name}, {'trained weights' if ckpt else 'initial weights'}"
    os.makedirs(osp.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        f.write(cs.render_markdown(summary, bench.environment(), cmd, title,
                                   image))
    for r in summary['distribution']:
        print(f"{r['step']}: {100 * r['share_0.7']:.1f}% of the proposals at "
              f"IoU >= 0.7, mean best IoU {r['mean_iou']:.3f}")
    print(f'wrote {args.out}' + (f' and {args.image_out}' if image else ''))


if __name__ == '__main__':
    main()
