"""AtomicCheckpointHook: a save that dies half-way leaves the previous
checkpoint and last_checkpoint usable, where mmengine's hook leaves none."""
import os

import pytest
import torch
from mmengine.fileio.backends import LocalBackend

from conftest import toy_runner


def read_last(work):
    return (work / 'last_checkpoint').read_text().strip()


def test_saves_prune_after_writing_and_leave_no_temporary_files(tmp_path):
    toy_runner(tmp_path, max_iters=6, interval=2, max_keep_ckpts=2).train()
    ckpts = sorted(p.name for p in tmp_path.iterdir()
                   if p.name.endswith(('.pth', '.tmp')))
    assert ckpts == ['iter_4.pth', 'iter_6.pth']
    assert read_last(tmp_path) == str(tmp_path / 'iter_6.pth')
    state = torch.load(tmp_path / 'iter_6.pth', weights_only=False)
    assert state['meta']['iter'] == 6


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even except blocks."""


def kill_during_second_write(monkeypatch):
    """The second checkpoint write puts half its bytes on disk, then the
    process 'dies'."""
    real_put, calls = LocalBackend.put, []

    def put(self, obj, filepath):
        calls.append(filepath)
        if len(calls) == 2:
            real_put(self, obj[:len(obj) // 2], filepath)
            raise Killed
        real_put(self, obj, filepath)
    monkeypatch.setattr(LocalBackend, 'put', put)


@pytest.mark.parametrize('keep', [1, 3])
def test_kill_during_a_save_keeps_the_previous_checkpoint(tmp_path,
                                                          monkeypatch, keep):
    kill_during_second_write(monkeypatch)
    with pytest.raises(Killed):
        toy_runner(tmp_path, max_iters=6, interval=2,
                   max_keep_ckpts=keep).train()
    assert read_last(tmp_path) == str(tmp_path / 'iter_2.pth')
    assert not (tmp_path / 'iter_4.pth').exists()
    state = torch.load(tmp_path / 'iter_2.pth', weights_only=False)
    assert state['meta']['iter'] == 2
    # The half-written file is the temporary one, never a name resume reads.
    assert 0 < os.path.getsize(tmp_path / 'iter_4.pth.tmp') < os.path.getsize(
        tmp_path / 'iter_2.pth')


def test_mmengines_own_hook_loses_the_only_checkpoint(tmp_path, monkeypatch):
    """The fault above is real: with the stock hook and max_keep_ckpts=1 the
    old checkpoint is deleted first and the new one is truncated."""
    kill_during_second_write(monkeypatch)
    with pytest.raises(Killed):
        toy_runner(tmp_path, max_iters=6, interval=2, max_keep_ckpts=1,
                   checkpoint_type='CheckpointHook').train()
    assert not (tmp_path / 'iter_2.pth').exists()
    with pytest.raises(Exception):
        torch.load(tmp_path / 'iter_4.pth', weights_only=False)


def test_resume_after_the_killed_save_finishes_the_run(tmp_path, monkeypatch):
    kill_during_second_write(monkeypatch)
    with pytest.raises(Killed):
        toy_runner(tmp_path, max_iters=6, interval=2).train()
    monkeypatch.undo()
    runner = toy_runner(tmp_path, max_iters=6, interval=2, resume=True)
    runner.train()
    assert runner.iter == 6
    assert read_last(tmp_path) == str(tmp_path / 'iter_6.pth')
