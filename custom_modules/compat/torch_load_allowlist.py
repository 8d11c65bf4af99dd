"""Let torch>=2.6 resume mmengine checkpoints without trusting every pickle.

torch 2.6 changed ``torch.load``'s default to ``weights_only=True``: it only
unpickles tensors, containers and an allow-list of globals. mmengine 0.10.7
calls ``torch.load`` without the argument, so ``--resume`` dies with
``UnpicklingError: Weights only load failed`` on the first non-tensor object
in the checkpoint: the logged metric history (mmengine ``HistoryBuffer``
objects holding numpy arrays) and numpy scalars in the metadata.

Turning ``weights_only`` off would let any downloaded checkpoint run code on
load. Instead we add exactly what mmengine checkpoints contain:

* ``HistoryBuffer``, numpy arrays, dtypes and scalars;
* ``getattr``, which pickle uses to name ``HistoryBuffer.min`` and its other
  statistics functions. A free ``getattr`` is the classic unpickling gadget,
  so the name ``builtins.getattr`` is bound to :func:`history_buffer_getattr`,
  which only looks up HistoryBuffer's registered statistics and refuses the
  rest.
"""
import numpy as np
import torch


def _numpy_reconstruct_globals():
    # numpy 2 moved its internals to numpy._core; pickles written by numpy 1
    # name numpy.core. Allow both spellings of the same two functions.
    found = []
    for mod in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        try:
            m = __import__(mod, fromlist=['_reconstruct', 'scalar'])
        except ImportError:
            continue
        found += [(m._reconstruct, f'{mod}._reconstruct'),
                  (m.scalar, f'{mod}.scalar')]
    return found


def history_buffer_getattr(obj, name):
    """``getattr`` restricted to ``HistoryBuffer.<statistic>``."""
    from mmengine.logging.history_buffer import HistoryBuffer
    allowed = {'min', 'max', 'current', 'mean',
               *HistoryBuffer._statistics_methods}
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise torch.serialization.pickle.UnpicklingError(
        f'refusing getattr({obj!r}, {name!r}) in a checkpoint: only '
        'HistoryBuffer statistics are allowed')


def mmengine_checkpoint_globals() -> list:
    """The exact globals an mmengine checkpoint of this project pickles."""
    from mmengine.logging.history_buffer import HistoryBuffer
    dtype_classes = [type(np.dtype(t)) for t in
                     ('float64', 'float32', 'float16', 'int64', 'int32',
                      'uint8', 'bool')]
    return [HistoryBuffer, np.ndarray, np.dtype, *dtype_classes,
            *_numpy_reconstruct_globals(),
            (history_buffer_getattr, '__builtin__.getattr'),
            (history_buffer_getattr, 'builtins.getattr')]


def allow_mmengine_checkpoints() -> None:
    """Register the globals once per process (torch keeps a global list)."""
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is not None:  # torch < 2.4 has no allow-list and no such default
        add(mmengine_checkpoint_globals())
