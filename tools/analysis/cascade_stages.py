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


from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    from custom_modules.analysis import step_tool
    step_tool.add_arguments(p, 'cascade_stages')
    args = p.parse_args(argv)
    from custom_modules.analysis import cascade_stages as cs
    summary, written = step_tool.run(
        args, cs, 'tools/analysis/cascade_stages.py',
        lambda model, shown, path: cs.draw(shown, path))
    for r in summary['distribution']:
        print(f"{r['step']}: {100 * r['share_0.7']:.1f}% of the proposals at "
              f"IoU >= 0.7, mean best IoU {r['mean_iou']:.3f}")
    print('wrote ' + ' and '.join(written))


if __name__ == '__main__':
    main()
