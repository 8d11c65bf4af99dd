"""compute_path: what a run records about the arithmetic it trained with
(precision, instruction sets, threads), which every time in docs/ cites."""
from types import SimpleNamespace

import torch
from mmengine.optim import OptimWrapper

from custom_modules.engine.bf16_autocast_optim_wrapper import \
    BF16AutocastOptimWrapper
from custom_modules.engine.metrics_recorder_hook import (compute_path,
                                                         training_precision)


def _model():
    return torch.nn.Conv2d(3, 4, 3)


def test_training_precision_follows_the_wrapper():
    m = _model()
    sgd = lambda: torch.optim.SGD(m.parameters(), 0.1)  # noqa: E731
    assert training_precision(OptimWrapper(optimizer=sgd()), m, 'cpu') \
        == 'fp32'
    assert training_precision(BF16AutocastOptimWrapper(
        enabled=True, optimizer=sgd()), m, 'cpu') == 'bf16'
    assert training_precision(BF16AutocastOptimWrapper(
        enabled=False, optimizer=sgd()), m, 'cpu') == 'fp32'
    assert training_precision(None, m, 'cpu') == 'fp32'


def test_compute_path_records_the_onednn_cap(monkeypatch):
    monkeypatch.setenv('ONEDNN_MAX_CPU_ISA', 'AVX2')
    m = _model()
    runner = SimpleNamespace(model=m, hooks=[], optim_wrapper=(
        BF16AutocastOptimWrapper(optimizer=torch.optim.SGD(m.parameters(),
                                                           0.1))))
    p = compute_path(runner)
    # Under the cap 'auto' trains fp32 whatever the CPU flags say.
    assert p['precision'] == 'fp32' and p['native_bf16'] is False
    assert p['onednn_max_isa'] == 'AVX2'
    assert p['threads'] == torch.get_num_threads()
    assert p['channels_last'] is False
