"""The allow-list lets torch's weights_only loader read mmengine
checkpoints, and nothing more."""
import io
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import custom_modules  # noqa: F401  (installs the allow-list)


def mmengine_like_checkpoint():
    hub = MessageHub.get_instance('allowlist-test')
    hub.update_scalar('train/loss', np.float64(1.25))
    hub.update_scalar('train/lr', 0.01)
    hub.update_info('iter', 3)
    return dict(meta=dict(epoch=0, iter=3, seed=np.int64(0),
                          dataset_meta=dict(classes=('a', 'b'))),
                state_dict={'w': torch.ones(2)},
                message_hub=hub.state_dict(),
                optimizer=dict(state={}, param_groups=[dict(lr=0.01)]))


def test_weights_only_load_reads_an_mmengine_checkpoint():
    buf = io.BytesIO()
    torch.save(mmengine_like_checkpoint(), buf)
    buf.seek(0)
    ckpt = torch.load(buf, weights_only=True)
    assert ckpt['meta']['iter'] == 3
    hist = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(hist, HistoryBuffer)
    assert hist.current() == pytest.approx(1.25)


class NotAllowed:
    def __reduce__(self):
        return (print, ('this would run on load',))


def test_arbitrary_globals_are_still_refused():
    buf = io.BytesIO()
    torch.save({'x': NotAllowed()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(buf, weights_only=True)


class GetattrGadget:
    """A pickle that fetches a method of an allowed class through getattr,
    the first step of the classic gadget chains (ndarray.tofile writes
    files)."""

    def __reduce__(self):
        return (getattr, (np.ndarray, 'tofile'))


def test_getattr_is_restricted_to_history_buffer_statistics():
    buf = io.BytesIO()
    torch.save({'x': GetattrGadget()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(buf, weights_only=True)
