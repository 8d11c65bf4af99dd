"""Provoke every fault of docs/reliability.md and rewrite the page.

    python tools/analysis/reliability_report.py              # -> work_dirs/
    python tools/analysis/reliability_report.py --out docs/reliability.md
"""
import argparse
import os.path as osp
import sys
import tempfile

from custom_modules.apis.cli import user_errors_as_one_line

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--out', default='work_dirs/reliability/reliability.md')
    args = p.parse_args(argv)
    from custom_modules.analysis import reliability
    from custom_modules.reporting import environment, write_page
    outcomes = []
    with tempfile.TemporaryDirectory() as root:
        bench = reliability.Bench(root, REPO)
        for fault in reliability.FAULTS:
            outcomes.append(fault(bench))
            o = outcomes[-1]
            print(f'{"ok " if o.ok else "NO "} {o.fault}: {o.status} {o.seen}',
                  flush=True)
    write_page(args.out, reliability.render(
        outcomes, environment(),
        f'python tools/analysis/reliability_report.py --out {args.out}'))
    print(f'wrote {args.out}')
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == '__main__':
    sys.exit(main())
