"""Time one config's training iterations under several variants, in one
process, interleaved, and write the table to docs/train_speed.md.

    python tools/analysis/train_speed.py configs/retinanet_r50_fpn.py \
        --variant fp32:optim_wrapper.enabled=False \
        --variant bf16:optim_wrapper.enabled=True
"""
import argparse


from custom_modules.analysis import train_speed
from custom_modules.reporting import environment, write_page
from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('--variant', action='append', required=True,
                   metavar='NAME:KEY=VALUE,...',
                   help='a variant and its config overrides; the first is '
                   'the baseline of the speed-up column')
    p.add_argument('--iters', type=int, default=20)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--out', default='docs/train_speed.md')
    args = p.parse_args(argv)
    try:
        variants = dict(train_speed.parse_variant(v) for v in args.variant)
    except ValueError as err:
        raise UserError(str(err)) from None
    rows = train_speed.time_train_interleaved(args.config, variants,
                                              args.iters, args.warmup)
    cmd = ' '.join(['python tools/analysis/train_speed.py', args.config] +
                   [f'--variant {v}' for v in args.variant] +
                   [f'--iters {args.iters}'])
    write_page(args.out, train_speed.render_markdown(args.config, rows,
                                                     environment(), cmd))
    for r in rows:
        print(f"{r['name']}: {r['s_median']:.2f} s/iter (median of "
              f"{r['iters']}), loss {r['loss_first']:.3f} -> "
              f"{r['loss_last']:.3f}")
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
