"""Project how long `tools/benchmark_zoo.py` will take on this machine, from
a few timed training steps and val images per config (minutes, not hours).

    python tools/analysis/zoo_cost.py --configs configs/ssd300.py \
        configs/retinanet_r50_fpn.py --jobs 2 --out docs/zoo_cost.md

    # the fp32 path of an AVX2-only laptop, on a CPU with AVX512-BF16
    ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 \
        python tools/analysis/zoo_cost.py ... --out docs/zoo_cost_fp32_avx2.md

--jobs splits the cores as the zoo does (cores / jobs threads per run); the
projected wall time lays the configs out over that many workers, and loader
workers count as working ahead only on the cores that the runs leave. What is
counted and what is left out: custom_modules/analysis/zoo_cost.py.
"""
import argparse

from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


@user_errors_as_one_line
def main(argv=None):
    from custom_modules.apis import benchmark as bench
    from custom_modules.apis.zoo_record import load_record
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--configs', nargs='+', default=bench.top_level_configs(),
                   help='the zoo to project (default: every top-level '
                   'config, as tools/benchmark_zoo.py)')
    p.add_argument('--jobs', type=int, default=1,
                   help="the zoo's --jobs: runs side by side")
    p.add_argument('--threads', type=int,
                   help='threads per run (default: cores / jobs)')
    p.add_argument('--steps', type=int, default=6,
                   help='train steps timed per config, after --warmup')
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--images', type=int, default=16,
                   help='val images timed per config, after --warmup')
    p.add_argument('--record', default='docs/benchmark_results.json',
                   help="measured train minutes to hold the projection "
                   "against ('' for none)")
    p.add_argument('--out', default='work_dirs/analysis/zoo_cost.md')
    args = p.parse_args(argv)
    if args.jobs < 1 or args.steps < 1 or args.images < 1:
        raise UserError('--jobs, --steps and --images must be at least 1')
    import os
    import torch

    from custom_modules.analysis import zoo_cost
    from custom_modules.reporting import (cpu_count, environment, isa_caps,
                                          write_page)
    threads = args.threads or max(1, cpu_count() // args.jobs)
    torch.set_num_threads(threads)
    # Loader workers work ahead only on cores that no run trains on.
    spare = max(0, cpu_count() - args.jobs * threads)
    rows = []
    for config in args.configs:
        if not os.path.isfile(config):
            raise UserError(f'{config}: no such config; --configs takes '
                            'paths such as configs/ssd300.py')
        r = zoo_cost.estimate(config, args.steps, args.warmup, args.images,
                              spare_cores=spare)
        print(f"{config}: {r['precision']}, {r['s_per_step']:.2f} s/step + "
              f"{r['load_s_per_batch']:.2f} s/batch loading -> "
              f"{r['s_per_iter']:.2f} s/iter, "
              f"{r['ms_per_image']:.0f} ms/image -> "
              f"{r['total_minutes']:.0f} min", flush=True)
        rows.append(r)
    record = load_record(args.record)      # '' or missing: an empty one
    rows = zoo_cost.with_record(rows, record['rows'], record['seeds'])
    cmd = ' '.join(['python tools/analysis/zoo_cost.py', '--configs',
                    *args.configs, '--jobs', str(args.jobs)] +
                   (['--threads', str(args.threads)] if args.threads else []) +
                   ['--steps', str(args.steps), '--images', str(args.images)])
    write_page(args.out, zoo_cost.render_markdown(
        rows, args.jobs, environment(), f'{isa_caps()} {cmd}'.strip()))
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
