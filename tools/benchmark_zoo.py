"""Train every embedded config for its full schedule, time inference, and
write the leaderboard to docs/benchmarks.md. Resumable: run it again and it
continues where it stopped. Hours of CPU: run it in the background.

    nohup python tools/benchmark_zoo.py > work_dirs/benchmark.log 2>&1 &
    python tools/benchmark_zoo.py --configs configs/ssd300.py configs/refinedet320.py --jobs 2
    python tools/benchmark_zoo.py --configs configs/ssd300.py --seeds 0-2
    python tools/benchmark_zoo.py --table-only      # re-render from work dirs
    # a zoo on another compute path, with its own record and page:
    ONEDNN_MAX_CPU_ISA=AVX2 python tools/benchmark_zoo.py --side \
        --configs ... --root work_dirs/zoo_avx2 \
        --record docs/benchmark_results_fp32_avx2.json \
        --out docs/benchmarks_fp32_avx2.md

The page, the record and the README's table are rewritten after every
finished run, so a long zoo cut short has written what it finished.

Configs with no work dir on this machine keep the numbers of the committed
record (docs/benchmark_results.json, marked * on the page), so that
retraining one config on a fresh clone does not blank the others, and a run
the record holds finished with the config's present recipe is not trained
again (--retrain trains it): a zoo cut short on one machine goes on from its
record on the next.
"""
import argparse
import os.path as osp
import shlex
import sys

from custom_modules.apis import benchmark as bench
from custom_modules.apis import recipe
from custom_modules.apis.zoo_record import load_record
from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError
from custom_modules.reporting import isa_caps
from custom_modules.sweep.spec import parse_seeds


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--configs', nargs='+',
                   default=bench.top_level_configs(),
                   help='configs to train and time (default: every '
                   'top-level config); the page always lists all of them')
    p.add_argument('--root', default='work_dirs/benchmark')
    p.add_argument('--out', default='docs/benchmarks.md')
    p.add_argument('--notes', default='docs/benchmark_notes.md',
                   help='the hand-written analysis the page links to (a '
                   'rerun never touches it); no link if the file is missing')
    p.add_argument('--readme', default='README.md',
                   help="page whose <!-- zoo:begin/end --> section is "
                   "rewritten from the record ('' leaves it behind the record, "
                   "which tests/apis/test_benchmark.py refuses)")
    p.add_argument('--record', default='docs/benchmark_results.json',
                   help='committed JSON of every row last shown: configs '
                   'with no work dir on this machine keep their recorded '
                   "numbers instead of blank rows ('' to ignore it: then the "
                   'page lists only --configs and the configs with a work '
                   'dir under --root)')
    p.add_argument('--side', action='store_true',
                   help='a zoo beside the main one (another compute path, '
                   'say) with its own --record and --out: its page lists '
                   'only its configs, and the README is left alone')
    p.add_argument('--retrain', action='store_true',
                   help='train runs that the record already holds finished '
                   'with the same recipe (skipped otherwise, so that a '
                   'rerun on a new machine goes on where the record stops)')
    p.add_argument('--table-only', action='store_true',
                   help='only re-render the table from existing work dirs')
    p.add_argument('--no-train', action='store_true',
                   help='time inference of whatever is trained, train nothing '
                   '(a training run times only models not yet timed or '
                   'retrained since)')
    p.add_argument('--jobs', type=int, default=1,
                   help='configs trained side by side; on a CPU the cores '
                   'are split between them (2 on a 2-core machine)')
    p.add_argument('--seeds', help="seeds to train each config with: '0,1' "
                   "or '0-2' (default: the config's own seed only). The "
                   "config's own seed is its leaderboard row; the others "
                   'train in WORK_DIR/seed=<s> and fill the seed table')
    p.add_argument('--plot', default=None,
                   help='AP against training minutes, linked from the page '
                   "(default: images/benchmark_curves.png next to --out; '' "
                   'for none)')
    p.add_argument('--inference-images', type=int, default=50)
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


@user_errors_as_one_line
def main(argv=None):
    args = parse_args(argv)
    configs = [osp.relpath(c, recipe.REPO) if osp.isabs(c) else c
               for c in args.configs]
    record = load_record(args.record)  # '' or missing: an empty record
    recorded = [r['config'] for r in record['rows'].values()]
    work = {c: osp.join(args.root, osp.splitext(osp.basename(c))[0])
            for c in bench.leaderboard_configs(configs, recorded=recorded)}
    if args.side or not args.record:
        # A side zoo (another --root, another compute path) shows what it
        # trains: a config that is neither in its own record nor trained by
        # it nor found under its root would be a row of dashes.
        work = {c: w for c, w in work.items()
                if c in configs or c in recorded or osp.isdir(w)}
    try:
        seeds = parse_seeds(args.seeds)
    except ValueError:
        raise UserError(f"--seeds {args.seeds!r} is not a seed list; give "
                        "'0,1,2' or a range '0-2'")
    own = {c: recipe.config_seed(c) for c in work}
    if not (args.table_only or args.no_train):
        todo = []
        for job, reason in bench.plan_jobs(configs, work, seeds, own, record,
                                           args.retrain):
            if reason == 'trained':
                print(f'[benchmark] {job.label}: trained, skipped')
            elif reason == 'recorded':
                print(f'[benchmark] {job.label}: finished in '
                      f'{args.record} with this recipe, skipped '
                      '(--retrain trains it again)')
            else:
                todo.append(job)
        try:
            statuses = bench.train_jobs(
                todo, args.jobs,
                on_finish=lambda run_dir, status: write_pages(args, work,
                                                              own))
        except KeyboardInterrupt:
            # each run saved its iteration (the interrupt hook) and every
            # finished one is already in the record
            print('interrupted; rerun the same command to resume',
                  file=sys.stderr)
            sys.exit(130)
        for label, status in statuses.items():
            print(f'[benchmark] {label}: {status}', flush=True)
    if not args.table_only:
        for c, timing in bench.time_trained(configs, work, args.no_train,
                                            args.inference_images).items():
            print(f'[benchmark] {c}: {timing["ms_median"]:.0f} ms/img')
    write_pages(args, work, own)


def write_pages(args, work, own):
    """The zoo page, its plot, the record and the README's table from the
    work dirs as they are now (run after each finished training run too)."""
    if args.plot is None:
        args.plot = osp.join(osp.dirname(args.out), 'images',
                             'benchmark_curves.png')
    # The page names the command that wrote it, instruction-set caps
    # included: a zoo under ONEDNN_MAX_CPU_ISA=AVX2 is another experiment.
    command = ' '.join([isa_caps(), 'python tools/benchmark_zoo.py',
                        *map(shlex.quote, args.argv)]).strip()
    readme = bench.write_outputs(work, own, args.out, args.record,
                                 '' if args.side else args.readme,
                                 args.notes, args.plot, command)
    if readme:
        print(f'[benchmark] refreshed the zoo table of {args.readme}')
    print(f'[benchmark] wrote {args.out}' +
          (f' and {args.record}' if args.record else ''), flush=True)


if __name__ == '__main__':
    main()
