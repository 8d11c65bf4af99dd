"""Follow RefineDet's anchors through its cascade on the val split: IoU with
their objects as tiled anchors, after the ARM and after the ODM; positives
per object for each module; what negative anchor filtering removes. Writes
docs/refinedet_cascade.md and a four-panel picture of one val image.

    python tools/analysis/refinedet_cascade.py configs/refinedet320.py
    python tools/analysis/refinedet_cascade.py configs/refinedet320.py CKPT --max-images 50

What each number means and why it matters:
custom_modules/analysis/refinedet_cascade.py.
"""
import argparse


from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    from custom_modules.analysis import step_tool
    step_tool.add_arguments(p, 'refinedet_cascade')
    args = p.parse_args(argv)
    from custom_modules.analysis import refinedet_cascade as rc
    summary, written = step_tool.run(
        args, rc, 'tools/analysis/refinedet_cascade.py',
        lambda model, shown, path: rc.draw(
            shown, path, model.bbox_head.negative_anchor_thr))
    for r, top in zip(summary['steps'], summary['first_choices'] or
                      [None] * len(summary['steps'])):
        line = (f"{r['step']}: mean IoU {r['mean_iou']:.3f} over the ARM "
                f"positives, {100 * r['share_0.7']:.1f}% at IoU >= 0.7")
        if top:
            line += f"; {top['mean_iou']:.3f} over each object's first choice"
        print(line)
    print('wrote ' + ' and '.join(written))


if __name__ == '__main__':
    main()
