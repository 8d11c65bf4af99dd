"""MetricsRecorderHook: keeps every validation result as machine-readable JSON.

mmengine logs metrics as text and per-iteration scalars; sweeps, benchmarks
and the AP-against-minutes curve need the evaluated numbers with the iteration
and the training time at which they were measured. This hook appends one
record per validation to ``<work_dir>/val_metrics.jsonl`` and rewrites
``<work_dir>/val_metrics_last.json``.

``train_seconds`` is wall time spent training: validation time is left out,
and a resumed run continues the clock of the run it resumes. The clock is
saved in every checkpoint's ``meta`` (not read back from the last
validation), because a run is resumed from its last checkpoint, which may
come long after its last validation, or before any.

A training minute means nothing without the arithmetic that produced it: the
same recipe runs several times faster in bf16 on an AVX512-BF16 CPU than in
fp32 on an AVX2-only one (docs/time_to_accuracy.md). So before the first iteration the hook also writes
``<work_dir>/compute_path.json``: precision, ATen's and oneDNN's instruction
set, threads and the CPU's bf16 support, which the AP-against-minutes page
(``tools/analysis/time_to_accuracy.py``) prints beside each curve.
"""
import json
import os
import os.path as osp
import time
from typing import List

import torch

from mmengine.hooks import Hook
from mmdet.registry import HOOKS


def read_val_records(work_dir: str) -> List[dict]:
    """Every validation this hook recorded in ``work_dir``
    (val_metrics.jsonl), one per iteration, in order; [] when there is
    none. The one reader of the file, for the zoo, the curves page and the
    paper claims alike."""
    records = {}
    try:
        with open(osp.join(work_dir, 'val_metrics.jsonl')) as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # blank, or a line cut by a kill
                # A resumed run may validate an iteration twice; keep the
                # later record, which continues the original clock.
                records[rec['iter']] = rec
    except OSError:
        return []
    return [records[i] for i in sorted(records)]


def training_precision(wrapper, model, device: str) -> str:
    """'bf16', 'fp16' or 'fp32': what ``wrapper`` trains ``model`` in."""
    from .bf16_autocast_optim_wrapper import BF16AutocastOptimWrapper
    if isinstance(wrapper, BF16AutocastOptimWrapper):
        return 'bf16' if wrapper.uses_bf16(model, device) else 'fp32'
    if type(wrapper).__name__ == 'AmpOptimWrapper':
        return 'fp16'
    return 'fp32'


def compute_path(runner=None) -> dict:
    """What this process trains with: precision, instruction set, threads."""
    from .bf16_autocast_optim_wrapper import native_bf16
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    precision = training_precision(getattr(runner, 'optim_wrapper', None),
                                   getattr(runner, 'model', None), device)
    return dict(
        device=device, precision=precision,
        aten_isa=torch.backends.cpu.get_cpu_capability(),
        onednn_max_isa=os.environ.get('ONEDNN_MAX_CPU_ISA', 'default'),
        native_bf16=native_bf16(device),
        threads=torch.get_num_threads(),
        channels_last=any(type(h).__name__ == 'ChannelsLastHook'
                          and getattr(h, 'enabled', True)
                          for h in getattr(runner, 'hooks', [])))


@HOOKS.register_module()
class MetricsRecorderHook(Hook):
    priority = 'LOW'
    META_KEY = 'detlab_train_seconds'

    def after_load_checkpoint(self, runner, checkpoint) -> None:
        # Called while resuming, before before_train.
        self._loaded = (checkpoint.get('meta') or {}).get(self.META_KEY)

    def before_train(self, runner) -> None:
        if runner.rank == 0:
            with open(osp.join(runner.work_dir, 'compute_path.json'),
                      'w') as f:
                json.dump(compute_path(runner), f, indent=1)
        self._t0 = time.time()
        self._val_seconds = 0.0
        self._offset = 0.0
        loaded = getattr(self, '_loaded', None)
        last = osp.join(runner.work_dir, 'val_metrics_last.json')
        if runner._resume and loaded is not None:
            self._offset = float(loaded)
        elif runner._resume and osp.isfile(last):
            # A checkpoint written before this hook saved its clock.
            with open(last) as f:
                self._offset = json.load(f).get('train_seconds', 0.0)

    def _train_seconds(self, now: float) -> float:
        elapsed = now - getattr(self, '_t0', now)
        return (getattr(self, '_offset', 0.0) + elapsed
                - getattr(self, '_val_seconds', 0.0))

    def before_save_checkpoint(self, runner, checkpoint) -> None:
        if hasattr(self, '_t0'):
            checkpoint.setdefault('meta', {})[self.META_KEY] = \
                self._train_seconds(time.time())

    def before_val_epoch(self, runner) -> None:
        self._val_start = time.time()

    def after_val_epoch(self, runner, metrics=None) -> None:
        now = time.time()
        start = getattr(self, '_val_start', now)
        train_seconds = self._train_seconds(start)
        self._val_seconds = getattr(self, '_val_seconds', 0.0) + now - start
        if not metrics:
            return
        record = dict(iter=runner.iter, epoch=runner.epoch,
                      train_seconds=train_seconds,
                      val_seconds=now - start,
                      **{k: float(v) for k, v in metrics.items()
                         if isinstance(v, (int, float))})
        with open(osp.join(runner.work_dir, 'val_metrics.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')
        with open(osp.join(runner.work_dir, 'val_metrics_last.json'),
                  'w') as f:
            json.dump(record, f, indent=1)
