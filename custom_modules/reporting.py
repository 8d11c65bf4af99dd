"""What every page in docs/ says about where it was measured, and how a
generated section lands in a hand-written page.

A number without its machine and versions cannot be checked or compared, so
every tool that writes a table (benchmarks, sweeps, analyses) takes the
machine from :func:`environment` and prints it with :func:`machine_table`.
Every table on those pages is built by :func:`markdown_table`, so that no
tool counts its own ``|---|`` rule by hand. A page that is partly written by
hand (the README) receives generated text between markers with
:func:`replace_section`, so the number is typed once.
"""
import os
import platform
import re
import shlex
from typing import Any, Dict, Iterable, List, Sequence


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, which a cgroup, Slurm
    or ``taskset`` narrows), not the machine's total."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def gpu_names() -> List[str]:
    import torch
    if not torch.cuda.is_available():
        return []
    return [torch.cuda.get_device_name(i)
            for i in range(torch.cuda.device_count())]


def environment() -> Dict[str, str]:
    """The machine and the versions of the stack, as short strings."""
    import mmcv
    import mmdet
    import mmengine
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f
                       if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    gpus = gpu_names()
    return dict(cpu=cpu, cores=str(cpu_count()),
                gpu=', '.join(gpus) if gpus else 'none',
                python=platform.python_version(), torch=torch.__version__,
                mmcv=mmcv.__version__, mmdet=mmdet.__version__,
                mmengine=mmengine.__version__)


def percent(v) -> str:
    """A fraction as a percentage with one decimal, the way every AP in
    docs/ is printed; '–' where there is none."""
    return '–' if v is None else f'{100 * v:.1f}'


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]],
                   right: Sequence[int] = ()) -> List[str]:
    """A GitHub markdown table as lines: the header, its rule (columns
    whose index is in ``right`` aligned right), then one line per row.
    Cells are printed with ``str``; a row of the wrong length is refused,
    since markdown would shift its cells into the wrong columns silently."""
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + ''.join('---:|' if i in right else '---|'
                           for i in range(len(header)))]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f'a row of {len(row)} cells under a header of '
                             f'{len(header)}: {list(row)}')
        lines.append('| ' + ' | '.join(str(c) for c in row) + ' |')
    return lines


def isa_caps() -> str:
    """The instruction-set caps this process runs under, as a command line
    would set them (``ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2``),
    '' without: a page's command must carry them, since the same command
    uncapped is another compute path."""
    return ' '.join(f'{v}={shlex.quote(os.environ[v])}'
                    for v in ('ONEDNN_MAX_CPU_ISA', 'ATEN_CPU_CAPABILITY')
                    if os.environ.get(v))


def machine_table(env: Dict[str, str]) -> List[str]:
    """The markdown rows that say which machine and versions a table was
    measured on (every page in docs/ starts with them)."""
    return markdown_table(['machine', *env], [['this run', *env.values()]])


def replace_section(text: str, key: str, body: str) -> str:
    """``text`` with what lies between ``<!-- KEY:begin -->`` and
    ``<!-- KEY:end -->`` replaced by ``body``; the markers are appended at
    the end when the page has none yet."""
    begin, end = f'<!-- {key}:begin -->', f'<!-- {key}:end -->'
    block = f'{begin}\n{body.rstrip()}\n{end}'
    pattern = re.compile(re.escape(begin) + '.*?' + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return text.rstrip('\n') + '\n\n' + block + '\n'


def write_page(path: str, text: str) -> str:
    """Write a tool's page, creating its folder: a measurement that took
    minutes is not lost to an ``--out`` under a folder not made yet."""
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    return path
