"""How well each config's anchors fit the val objects: the share whose best
anchor reaches the assigner's positive IoU, and how many positives each
object gets, by COCO size bucket. No training, no weights; writes
docs/anchor_coverage.md.

    python tools/analysis/anchor_coverage.py configs/ssd300.py configs/refinedet320.py
    python tools/analysis/anchor_coverage.py configs/ssd300.py configs/refinedet320.py \
        --also model.bbox_head.anchor_generator.octave_base_scale=3

Why the two numbers matter: custom_modules/analysis/anchor_coverage.py.
"""
import argparse


from mmengine.config import DictAction

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('configs', nargs='+')
    p.add_argument('--pos-iou', type=float,
                   help="positive IoU (default: the config's assigner's)")
    p.add_argument('--max-images', type=int,
                   help='only the first N val images')
    p.add_argument('--also', nargs='+', action=DictAction, metavar='KEY=V',
                   help='measure the last config a second time with these '
                   'config keys changed (an anchor layout to compare)')
    p.add_argument('--out', default='docs/anchor_coverage.md')
    args = p.parse_args(argv)
    from custom_modules.analysis import anchor_coverage as ac
    from custom_modules import reporting
    results = [ac.measure_config(c, args.pos_iou, args.max_images)
               for c in args.configs]
    cmd = 'python tools/analysis/anchor_coverage.py ' + ' '.join(
        args.configs)
    if args.also:
        results.append(ac.measure_config(args.configs[-1], args.pos_iou,
                                         args.max_images, args.also))
        cmd += ' --also ' + ' '.join(f'{k}={v}' for k, v in args.also.items())
    reporting.write_page(
        args.out, ac.render_markdown(results, reporting.environment(), cmd))
    for r in results:
        a = r['rows'][-1]
        print(f"{r['config']}: {'/'.join(map(str, r['anchors']))} anchors, "
              f"{100 * a['reached']:.1f}% of {a['objects']} objects reach "
              f"IoU {r['pos_iou']:g}, {a['mean_positives']:.2f} positives "
              'per object')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
