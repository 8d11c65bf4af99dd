"""InterruptSaveHook: SIGTERM/SIGINT save the iteration in progress, then
stop with a one-line TrainingInterrupted; the run resumes from it to the
same weights as a run never interrupted."""
import os
import signal

import pytest
import torch

from custom_modules.engine.interrupt_save_hook import InterruptSaveHook
from custom_modules.errors import TrainingInterrupted
from conftest import ToyRegression, toy_runner


class SignalsItself(ToyRegression):
    def __init__(self, at_call, signum):
        super().__init__()
        self.at_call, self.signum = at_call, signum

    def forward(self, inputs, targets=None, mode='loss'):
        out = super().forward(inputs, targets, mode)
        if self.calls == self.at_call:
            os.kill(os.getpid(), self.signum)
        return out


@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_signal_saves_the_current_iteration_and_stops(tmp_path, signum):
    before = signal.getsignal(signum)
    runner = toy_runner(tmp_path, max_iters=10, interval=4,
                        model=SignalsItself(3, signum),
                        hooks=[InterruptSaveHook()])
    with pytest.raises(TrainingInterrupted) as err:
        runner.train()
    name = signal.Signals(signum).name
    assert str(err.value).startswith(
        f'{name} at iteration 3: saved {tmp_path}/iter_3.pth. Continue with')
    assert '--resume' in str(err.value)
    assert err.value.exit_code == 128 + signum
    assert (tmp_path / 'last_checkpoint').read_text() == str(
        tmp_path / 'iter_3.pth')
    assert torch.load(tmp_path / 'iter_3.pth',
                      weights_only=False)['meta']['iter'] == 3
    assert signal.getsignal(signum) is before  # handlers restored


def test_signal_on_a_scheduled_save_does_not_save_twice(tmp_path):
    runner = toy_runner(tmp_path, max_iters=10, interval=4,
                        model=SignalsItself(4, signal.SIGTERM),
                        hooks=[InterruptSaveHook()])
    with pytest.raises(TrainingInterrupted, match='iteration 4: saved'):
        runner.train()
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_4.pth']
    hook = next(h for h in runner.hooks
                if type(h).__name__ == 'AtomicCheckpointHook')
    assert list(hook.keep_ckpt_ids) == [4]


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path):
    whole = toy_runner(tmp_path / 'whole', max_iters=10, interval=5)
    whole.train()
    cut = toy_runner(tmp_path / 'cut', max_iters=10, interval=5,
                     model=SignalsItself(3, signal.SIGTERM),
                     hooks=[InterruptSaveHook()])
    with pytest.raises(TrainingInterrupted):
        cut.train()
    resumed = toy_runner(tmp_path / 'cut', max_iters=10, interval=5,
                         resume=True)
    resumed.train()
    assert resumed.iter == 10
    for key, value in whole.model.state_dict().items():
        assert torch.equal(value, resumed.model.state_dict()[key]), key
