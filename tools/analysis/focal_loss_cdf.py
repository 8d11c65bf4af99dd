"""Cumulative focal loss of positive and negative anchors for several gamma
(RetinaNet paper, Figure 4), from a trained anchor-based one-stage detector.

    python tools/analysis/focal_loss_cdf.py CONFIG CHECKPOINT \
        [--gammas 0,0.5,1,2] [--out-dir DIR] [--max-images N]

Writes DIR/focal_loss_cdf.png and DIR/focal_loss_cdf.json (default DIR: the
checkpoint's directory) and prints, per gamma, the share of the total
negative loss that the hardest 1% / 10% of negatives carry.
The method is explained in custom_modules/analysis/focal_loss_cdf.py.
"""
import argparse
import os


from mmengine.config import DictAction

from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--gammas', default='0,0.5,1,2',
                   help='comma-separated gammas (default: the paper\'s)')
    p.add_argument('--out-dir', help='default: the checkpoint\'s directory')
    p.add_argument('--max-images', type=int,
                   help='stop after N val images, rounded up to whole '
                   'batches of the val loader (default: all)')
    p.add_argument('--neg-per-image', type=int, default=20000,
                   help='random negative (anchor, class) terms kept per '
                   'image; 0 keeps all')
    p.add_argument('--device', default='cpu')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


@user_errors_as_one_line
def main(argv=None):
    args = parse_args(argv)
    if not os.path.isfile(args.checkpoint):
        raise UserError(f'checkpoint not found: {args.checkpoint}')
    try:
        gammas = [float(g) for g in args.gammas.split(',')]
    except ValueError:
        raise UserError(f'--gammas must be numbers, got {args.gammas!r}') \
            from None
    from custom_modules.analysis.focal_loss_cdf import run_focal_loss_cdf
    out_dir = args.out_dir or os.path.dirname(os.path.abspath(args.checkpoint))
    try:
        result = run_focal_loss_cdf(
            args.config, args.checkpoint, out_dir, gammas=gammas,
            max_images=args.max_images,
            neg_per_image=args.neg_per_image or None,
            cfg_options=args.cfg_options, device=args.device)
    except ValueError as err:
        raise UserError(str(err)) from None
    print(f'{result["num_images"]} images: {result["num_positive"]:,} '
          f'positive and {result["num_negative"]:,} negative samples')
    print('gamma  share of negative loss in the hardest 1% / 10% negatives')
    for gamma, entry in result['gammas'].items():
        neg = entry['negative']
        print(f'{float(gamma):5g}  {neg["hardest_1pct_share"]:6.1%} / '
              f'{neg["hardest_10pct_share"]:6.1%}')
    for path in result['files']:
        print(path)


if __name__ == '__main__':
    main()
