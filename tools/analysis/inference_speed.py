"""Time several detectors' inference in one process, interleaved, and write
the table (with ratios to the first config) to docs/inference_speed.md.

    python tools/analysis/inference_speed.py configs/ssd300.py configs/refinedet320.py
    python tools/analysis/inference_speed.py A.py B.py --checkpoints a.pth b.pth
    python tools/analysis/inference_speed.py A.py B.py --fuse-conv-bn  # BN folded
    python tools/analysis/inference_speed.py A.py B.py --threads 1     # one core
    python tools/analysis/inference_speed.py A.py B.py --channels-last # NHWC
"""
import argparse
import os.path as osp


from custom_modules import reporting
from custom_modules.apis import benchmark as bench
from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('configs', nargs='+')
    p.add_argument('--checkpoints', nargs='+',
                   help='one per config; default: each config\'s benchmark '
                   'checkpoint if trained, else its initial weights')
    p.add_argument('--images', type=int, default=50)
    p.add_argument('--out', default='docs/inference_speed.md')
    p.add_argument('--fuse-conv-bn', action='store_true',
                   help='fold each BatchNorm into the convolution before it '
                   '(every model alike), as a deployed detector runs')
    p.add_argument('--channels-last', action='store_true',
                   help='NHWC weights and activations in every model alike '
                   '(single-stage detectors only: mmcv\'s RoIAlign reads '
                   'NCHW)')
    p.add_argument('--threads', type=int,
                   help='torch intra-op threads (default: all cores); the '
                   'ratio between models depends on it')
    args = p.parse_args(argv)
    if args.images < 1:
        raise UserError(f'--images {args.images}: time at least one image, '
                        'e.g. --images 50.')
    if args.threads is not None and args.threads < 1:
        raise UserError(f'--threads {args.threads}: give a positive number '
                        'of threads, e.g. --threads 1.')
    if args.checkpoints and len(args.checkpoints) != len(args.configs):
        raise UserError(f'{len(args.configs)} configs but '
                        f'{len(args.checkpoints)} checkpoints: give one per '
                        'config, or none.')
    ckpts = args.checkpoints or [bench.benchmark_checkpoint(c)
                                 for c in args.configs]
    timings = bench.time_inference_interleaved(
        args.configs, ckpts, args.images, fuse_conv_bn=args.fuse_conv_bn,
        threads=args.threads, channels_last=args.channels_last)
    results = [dict(name=osp.splitext(osp.basename(c))[0],
                    weights='trained' if k else 'initial', **t)
               for c, k, t in zip(args.configs, ckpts, timings)]
    cmd = 'python tools/analysis/inference_speed.py ' + ' '.join(
        args.configs) + (' --fuse-conv-bn' if args.fuse_conv_bn else '') + (
        f' --threads {args.threads}' if args.threads else '') + (
        ' --channels-last' if args.channels_last else '') + (
        f' --out {args.out}' if args.out != 'docs/inference_speed.md' else '')
    reporting.write_page(args.out, bench.render_speed_markdown(
        results, reporting.environment(), cmd, args.fuse_conv_bn,
        args.channels_last))
    for r in results:
        pr = bench.paired_ratio(results[0]['ms'], r['ms'])
        print(f"{r['name']}: {r['ms_median']:.0f} ms/img (median of "
              f"{r['images']}), paired ratio {pr['median']:.3f} "
              f"[{pr['ci_low']:.3f}, {pr['ci_high']:.3f}]")
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
