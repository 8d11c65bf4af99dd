"""Multiply-accumulates of one or more detectors, in total, by component and
by layer, counted on a real forward pass; writes docs/model_complexity.md.

    python tools/analysis/model_complexity.py configs/ssd300.py configs/refinedet320.py

The first config is the baseline of the ratio column. What is counted, and
why it predicts inference time: custom_modules/analysis/model_complexity.py.
"""
import argparse


from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('configs', nargs='+')
    p.add_argument('--top', type=int, default=5,
                   help='most expensive layers listed per model')
    p.add_argument('--out', default='docs/model_complexity.md')
    args = p.parse_args(argv)
    from custom_modules.analysis import model_complexity as mc
    from custom_modules import reporting
    from custom_modules.apis import benchmark as bench
    # The trained weights where the benchmark left them: an R-CNN's RoI
    # head cost depends on how many proposals its RPN lets through.
    results = [mc.measure_config(c, bench.benchmark_checkpoint(c))
               for c in args.configs]
    cmd = 'python tools/analysis/model_complexity.py ' + ' '.join(
        args.configs)
    reporting.write_page(args.out, mc.render_markdown(
        results, reporting.environment(), cmd, args.top))
    base = results[0]['total_macs']
    for r in results:
        print(f"{r['config']}: {r['total_macs'] / 1e9:.2f} GMACs "
              f"({r['total_macs'] / base:.3f}x), input {r['input_shape']}, "
              + ', '.join(f'{k} {v / 1e9:.2f}'
                          for k, v in r['components'].items()))
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
