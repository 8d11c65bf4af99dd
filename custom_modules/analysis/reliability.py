"""Provoke every fault of docs/reliability.md the way a user meets it,
through the real command-line tools on a small copy of the embedded data,
and record what happened: the exit status, the line the user reads, and
whether anything on disk was lost.

Each fault is a function that gets a :class:`Bench` (a scratch dir with the
damaged data and the commands) and returns a :class:`Outcome`. The unit
tests pin the behaviour of each mechanism on its own; this is the
end-to-end tour that writes the table.
"""
import json
import os
import os.path as osp
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable, List

DEMO = 'configs/retinanet_r50_fpn.py'
ITERS = 6


@dataclass
class Outcome:
    fault: str
    command: str
    status: int
    seen: str          # the last line of stderr, or the warning in the log
    kept: str          # what was checked on disk afterwards
    ok: bool


class Bench:
    """A scratch dir with a small shapes dataset and the tiny-run options
    (96 px, 2 images a batch, no workers) that make every run take
    seconds."""

    def __init__(self, root: str, repo: str):
        from custom_modules.datasets.shapes_generator import (
            ShapesSpec, ensure_shapes_dataset)
        self.root, self.repo = root, repo
        self.data = osp.join(root, 'shapes')
        ensure_shapes_dataset(self.data, ShapesSpec(splits={'train': 8,
                                                            'val': 4}),
                              progress=False)

    def options(self, data=None) -> List[str]:
        data = (data or self.data) + '/'
        ann = osp.join(data, 'annotations', 'instances_val.json')
        opts = {
            'train_dataloader.dataset.data_root': data,
            'val_dataloader.dataset.data_root': data,
            'test_dataloader.dataset.data_root': data,
            'val_evaluator.ann_file': ann, 'test_evaluator.ann_file': ann,
            'train_dataloader.batch_size': 2,
            'val_dataloader.batch_size': 2,
            **{f'{s}_dataloader.{k}': v for s in ('train', 'val', 'test')
               for k, v in (('num_workers', 0),
                            ('persistent_workers', False))},
            'train_cfg.val_interval': ITERS,
            'train_dataloader.dataset.pipeline.2.scale': '(96,96)',
            'val_dataloader.dataset.pipeline.1.scale': '(96,96)',
            'default_hooks.logger.interval': 1,
            'default_hooks.checkpoint.interval': 2,
            'randomness.deterministic': True,
        }
        return [f'{k}={v}' for k, v in opts.items()]

    def train(self, work, *extra, data=None) -> List[str]:
        return [sys.executable, 'tools/train.py', DEMO, '--work-dir', work,
                '--max-iters', str(ITERS), *extra, '--cfg-options',
                *self.options(data)]

    def run(self, cmd, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, cwd=self.repo, capture_output=True,
                              text=True, timeout=900, **kw)

    def damaged_copy(self, name: str) -> str:
        dst = osp.join(self.root, name)
        shutil.copytree(self.data, dst)
        return dst

    def work(self, name: str) -> str:
        return osp.join(self.root, 'work', name)


def _last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ''


def _short(cmd: List[str], bench: Bench) -> str:
    """The command as a user would type it, without the tiny-run options."""
    if '--cfg-options' in cmd:
        cmd = cmd[:cmd.index('--cfg-options')] + ['...']
    return ' '.join(osp.relpath(c, bench.root) if c.startswith(bench.root)
                    else c for c in cmd[1:])


def _one_line_error(fault, bench, cmd, proc, status=2, fragment=''):
    err = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    ok = (proc.returncode == status and len(err) >= 1
          and 'Traceback' not in proc.stderr and fragment in err[-1])
    return Outcome(fault, _short(cmd, bench), proc.returncode,
                   _last_line(proc.stderr).replace(bench.root + '/', ''),
                   'nothing written', ok)


def corrupt_image(bench: Bench) -> Outcome:
    data = bench.damaged_copy('corrupt')
    ann = json.load(open(osp.join(data, 'annotations',
                                  'instances_train.json')))
    bad = osp.join(data, 'train', ann['images'][0]['file_name'])
    with open(bad, 'r+b') as f:
        f.truncate(300)
    cmd = bench.train(bench.work('corrupt'), data=data)
    proc = bench.run(cmd)
    log = proc.stdout + proc.stderr
    warning = next((ln[ln.index('skipping'):] for ln in log.splitlines()
                    if 'skipping unreadable image' in ln), '')
    done = osp.isfile(osp.join(bench.work('corrupt'), f'iter_{ITERS}.pth'))
    return Outcome('corrupt JPEG in the train split', _short(cmd, bench),
                   proc.returncode, warning.replace(bench.root + '/', ''),
                   f'run finished, iter_{ITERS}.pth written' if done else
                   'run did not finish', proc.returncode == 0 and done
                   and bool(warning))


def truncated_json(bench: Bench) -> Outcome:
    data = bench.damaged_copy('truncated')
    path = osp.join(data, 'annotations', 'instances_train.json')
    with open(path, 'r+') as f:
        f.truncate(os.path.getsize(path) // 2)
    cmd = bench.train(bench.work('truncated'), data=data) + [
        'train_dataloader.dataset.generate_if_missing=False']
    return _one_line_error('truncated annotation json', bench, cmd,
                           bench.run(cmd), fragment='not valid JSON')


def option_type(bench: Bench) -> Outcome:
    cmd = bench.train(bench.work('type')) + ['train_cfg.max_iters=abc']
    return _one_line_error('`--cfg-options train_cfg.max_iters=abc`', bench,
                           cmd, bench.run(cmd), fragment='needs a number')


def num_classes(bench: Bench) -> Outcome:
    cmd = bench.train(bench.work('classes')) + [
        'model.bbox_head.num_classes=3']
    return _one_line_error('num_classes=3 against a 6-class dataset', bench,
                           cmd, bench.run(cmd), fragment='num_classes is 3')


def missing_base(bench: Bench) -> Outcome:
    cfg = osp.join(bench.root, 'child.py')
    with open(cfg, 'w') as f:
        f.write("_base_ = ['./no_such_base.py']\n")
    cmd = [sys.executable, 'tools/train.py', cfg]
    return _one_line_error('missing `_base_` file', bench, cmd,
                           bench.run(cmd), fragment='no_such_base.py')


def unwritable_work_dir(bench: Bench) -> Outcome:
    blocker = osp.join(bench.root, 'a_file')
    open(blocker, 'w').close()
    cmd = bench.train(osp.join(blocker, 'run'))
    return _one_line_error('work dir that cannot be written', bench, cmd,
                           bench.run(cmd), fragment='not writable')


def wrong_architecture(bench: Bench) -> Outcome:
    ckpt = osp.join(bench.work('corrupt'), f'iter_{ITERS}.pth')
    cmd = [sys.executable, 'tools/test.py', 'configs/ssd300.py', ckpt,
           '--work-dir', bench.work('wrong'), '--cfg-options',
           f'test_dataloader.dataset.data_root={bench.data}/',
           'test_evaluator.ann_file=' + osp.join(
               bench.data, 'annotations', 'instances_val.json')]
    return _one_line_error('RetinaNet checkpoint given to the SSD300 config',
                           bench, cmd, bench.run(cmd),
                           fragment='does not fit')


def _wait_for_iteration(work: str, proc, n: int, timeout: float = 600):
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        for d in (os.listdir(work) if osp.isdir(work) else []):
            log = osp.join(work, d, f'{d}.log')
            if osp.isfile(log) and f'Iter(train) [{n}/' in open(log).read():
                return
        time.sleep(0.05)


def _same_metrics(a_dir: str, b_dir: str) -> bool:
    a = json.load(open(osp.join(a_dir, 'val_metrics_last.json')))
    b = json.load(open(osp.join(b_dir, 'val_metrics_last.json')))
    keys = [k for k in a if k.startswith('coco/')]
    return bool(keys) and all(a[k] == b[k] for k in keys)


def _interrupt_then_resume(bench: Bench, name: str, sig: int) -> Outcome:
    reference = bench.work('reference')
    if not osp.isfile(osp.join(reference, 'val_metrics_last.json')):
        bench.run(bench.train(reference))
    work = bench.work(name)
    cmd = bench.train(work)
    proc = subprocess.Popen(cmd, cwd=bench.repo, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    _wait_for_iteration(work, proc, 3 if sig == signal.SIGTERM else 5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    seen = _last_line(err).replace(bench.root + '/', '') \
        if sig != signal.SIGKILL else f'killed (status {proc.returncode})'
    resumed = bench.run(cmd + ['--resume'])
    same = resumed.returncode == 0 and _same_metrics(reference, work)
    kept = ('resumed to the end; val metrics identical to the '
            'uninterrupted run' if same else
            f'resume status {resumed.returncode}; metrics differ')
    return Outcome(f'{signal.Signals(sig).name} mid-run, then --resume',
                   _short(cmd, bench), proc.returncode, seen, kept, same)


def sigterm(bench: Bench) -> Outcome:
    return _interrupt_then_resume(bench, 'sigterm', signal.SIGTERM)


def sigkill(bench: Bench) -> Outcome:
    return _interrupt_then_resume(bench, 'sigkill', signal.SIGKILL)


def second_process(bench: Bench) -> Outcome:
    """The same run started twice (a zoo launched again in another shell):
    the second must be refused before it touches the first one's files."""
    reference = bench.work('reference')
    if not osp.isfile(osp.join(reference, 'val_metrics_last.json')):
        bench.run(bench.train(reference))
    work = bench.work('twice')
    cmd = bench.train(work)
    first = subprocess.Popen(cmd, cwd=bench.repo, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _wait_for_iteration(work, first, 2)
    again = bench.train(work, '--resume')
    second = bench.run(again)
    first.wait(timeout=600)
    line = _last_line(second.stderr)
    undisturbed = (first.returncode == 0
                   and osp.isfile(osp.join(work, 'DONE'))
                   and _same_metrics(reference, work))
    ok = (second.returncode == 75 and line.startswith('busy: ')
          and 'Traceback' not in second.stderr and undisturbed)
    return Outcome('the same run started again while it trains',
                   _short(again, bench), second.returncode,
                   line.replace(bench.root + '/', ''),
                   'first run finished undisturbed; val metrics identical to '
                   'the uninterrupted run' if undisturbed else
                   f'first run status {first.returncode}; metrics differ',
                   ok)


def nan_loss(bench: Bench) -> Outcome:
    work = bench.work('nan')
    cmd = bench.train(work) + ['optim_wrapper.optimizer.lr=1e12']
    proc = bench.run(cmd)
    line = _last_line(proc.stderr)
    saved = sorted(f for f in os.listdir(work) if f.endswith('.pth')) \
        if osp.isdir(work) else []
    ok = proc.returncode == 3 and line.startswith('diverged: ')
    return Outcome('loss becomes NaN (lr 1e12)', _short(cmd, bench),
                   proc.returncode, line.replace(bench.root + '/', ''),
                   f'checkpoints left: {", ".join(saved) or "none"}', ok)


def validate(bench: Bench) -> Outcome:
    data = osp.join(bench.root, 'corrupt')
    cmd = [sys.executable, 'tools/validate_dataset.py', DEMO, '--strict',
           '--cfg-options', f'train_dataloader.dataset.data_root={data}/',
           f'val_dataloader.dataset.data_root={data}/']
    proc = bench.run(cmd)
    found = next((ln.strip() for ln in proc.stdout.splitlines()
                  if 'unreadable_image' in ln), '')
    return Outcome('`validate_dataset --strict` on the corrupt copy',
                   _short(cmd, bench), proc.returncode,
                   found.replace(bench.root + '/', ''), 'read only',
                   proc.returncode == 1 and bool(found))


FAULTS: List[Callable[[Bench], Outcome]] = [
    corrupt_image, truncated_json, option_type, num_classes, missing_base,
    unwritable_work_dir, wrong_architecture, sigterm, sigkill,
    second_process, nan_loss, validate]


def render(outcomes: List[Outcome], env: dict, command: str) -> str:
    from custom_modules.reporting import machine_table, markdown_table
    rows = markdown_table(
        ['fault', 'command', 'exit', 'what the user reads', 'afterwards',
         'as intended'],
        [[o.fault, f'`{o.command}`', o.status, o.seen.replace('|', '\\|'),
          o.kept, 'yes' if o.ok else '**no**'] for o in outcomes], right=[2])
    return '\n'.join([
        '# Reliability: faults tried and what happened', '',
        f'Written by `{command}`: every fault provoked through the real '
        'tools on a small copy of the embedded data (8 train images, '
        f'{ITERS} iterations at 96 px). The mechanisms: '
        '`AtomicCheckpointHook`, `InterruptSaveHook`, `NaNGuardHook` '
        '(default_hooks in configs/_base_/default_runtime.py), '
        '`LoadImageOrSkip` in every train pipeline, the work-dir lock of '
        '`custom_modules/apis/train.py`, the pre-flight checks of '
        '`custom_modules/apis/preflight.py` and `tools/validate_dataset.py`. '
        'A kill *during* a checkpoint write is provoked in '
        'tests/engine/test_atomic_checkpoint_hook.py, since a process '
        'cannot be killed at a chosen byte from outside.', '',
        *rows, '', *machine_table(env), ''])
