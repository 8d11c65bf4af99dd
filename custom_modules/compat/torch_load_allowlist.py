"""Let torch>=2.6 resume mmengine checkpoints without trusting every pickle.

torch 2.6 changed ``torch.load``'s default to ``weights_only=True``: it only
unpickles tensors, containers and an allow-list of types. mmengine 0.10.7
calls ``torch.load`` without the argument, so ``--resume`` dies with
``UnpicklingError: Weights only load failed`` on the first non-tensor object
in the checkpoint: the logged metric history (mmengine ``HistoryBuffer``
objects holding numpy arrays) and numpy scalars in the metadata.

Turning ``weights_only`` off would make any downloaded checkpoint able to run
code on load. Instead we add to torch's allow-list exactly the types that
checkpoints written by DetLab's runs contain (found by loading real ones,
see tests/compat/test_torch_load_allowlist.py), and nothing else.
"""
import numpy as np
import torch


def _numpy_reconstruct_globals():
    # numpy 2 moved its internals to numpy._core; pickles written by numpy 1
    # name numpy.core. Allow both spellings of the same functions.
    names = []
    for mod in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        try:
            m = __import__(mod, fromlist=['_reconstruct', 'scalar'])
        except ImportError:
            continue
        names += [m._reconstruct, m.scalar]
    return names


def mmengine_checkpoint_types() -> list:
    """The exact globals an mmengine checkpoint of this project pickles."""
    from mmengine.logging.history_buffer import HistoryBuffer
    dtype_classes = [type(np.dtype(t)) for t in
                     ('float64', 'float32', 'int64', 'int32', 'bool')]
    return [HistoryBuffer, np.ndarray, np.dtype, *dtype_classes,
            *_numpy_reconstruct_globals()]


def allow_mmengine_checkpoints() -> None:
    """Register the types once per process (torch keeps a global list)."""
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is not None:  # torch < 2.4 has no allow-list and no such default
        add(mmengine_checkpoint_types())
