"""The paper claims page: each claim with the paper's numbers, ours over
seeds, the paired 95% interval and a verdict.

    python tools/analysis/paper_claims.py --out docs/paper_claims.md
    python tools/analysis/paper_claims.py --claims refinedet_vs_ssd
    python tools/analysis/paper_claims.py --train --out docs/paper_claims.md

--train first runs each claim's training commands (hours on a CPU; rerun
to resume after an interruption: finished runs are skipped).

Which runs each claim reads, and the rules of the verdict:
custom_modules/analysis/paper_claims.py. The page goes under
work_dirs/analysis/ unless --out says otherwise.
"""
import argparse

from custom_modules.apis.cli import user_errors_as_one_line
from custom_modules.errors import UserError


@user_errors_as_one_line
def main(argv=None):
    from custom_modules.analysis import paper_claims as pc
    keys = [c.key for c in pc.CLAIMS]
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--claims', nargs='+', metavar='KEY',
                   help=f'claims to judge (default all: {", ".join(keys)})')
    p.add_argument('--record', default='docs/benchmark_results.json',
                   help="committed zoo record for seeds not trained here "
                   "('' to use this machine's runs only)")
    p.add_argument('--out', default='work_dirs/analysis/paper_claims.md')
    p.add_argument('--train', action='store_true',
                   help="first run the claims' training commands (resumable)")
    args = p.parse_args(argv)
    unknown = sorted(set(args.claims or []) - set(keys))
    if unknown:
        raise UserError(f'unknown claim {", ".join(unknown)}; choose from '
                        f'{", ".join(keys)}')
    from custom_modules.reporting import environment, write_page
    claims = [c for c in pc.CLAIMS if not args.claims or c.key in args.claims]
    if args.train:
        for c in claims:
            pc.train(c)
    record = pc.load_record(args.record)
    verdicts = [pc.judge(c, record) for c in claims]
    cmd = 'python tools/analysis/paper_claims.py' + (
        f' --claims {" ".join(args.claims)}' if args.claims else '') + (
        f' --out {args.out}')
    write_page(args.out, pc.render_markdown(verdicts, environment(), cmd))
    for v in verdicts:
        ci = '' if v.diff_ci is None else \
            f' [{v.diff_ci[0]:+.1f}, {v.diff_ci[1]:+.1f}]'
        diff = '' if v.diff_mean is None else f', diff {v.diff_mean:+.1f}{ci}'
        pairs = f'{len(v.pairs)} pair' + ('' if len(v.pairs) == 1 else 's')
        print(f'{v.claim.key}: {v.verdict} ({pairs}{diff}): '
              f'{v.reason}')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
