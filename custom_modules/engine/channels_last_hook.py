"""ChannelsLastHook: keep a detector's 4-D weights and activations in NHWC.

What it does: before training (and before a stand-alone validation or test)
it converts every 4-D parameter and buffer of the model to
``torch.channels_last``. PyTorch then runs each convolution whose weight is
NHWC with an NHWC output, so the whole backbone, neck and head stay NHWC
after the first layer; the input batch needs no conversion.

Why it is faster: the convolution libraries underneath (oneDNN on a CPU,
cuDNN's tensor-core kernels on a GPU) compute in NHWC, where one pixel's
channels are contiguous and map onto the vector or matrix units. Fed NCHW
tensors they reorder every activation into NHWC and back, around every
convolution, in the forward and the backward pass. On the demo config the
NHWC step is the faster one in bf16 and in fp32 (the measured ratios are in
docs/train_speed*.md): the same minutes buy more steps, and from scratch the
number of steps is what limits the AP.

What it does not change: the numbers. Memory layout is not arithmetic; the
NHWC and NCHW models compute the same convolutions and agree to float
rounding (tests/engine/test_channels_last_hook.py). Checkpoints store
values, so a checkpoint written by an NHWC run loads into an NCHW model
and back. The optimizer keeps working on the same ``Parameter`` objects,
whose storage is converted in place, and its state (AdamW's moments) is
created in the parameter's layout.

In a distributed run the model is wrapped in DDP before any hook runs; DDP
then copies each gradient into its flat buckets instead of viewing it,
which is correct but gives back part of the gain.

Why only the single-stage detectors: mmcv 2.1's RoIAlign (CPU and CUDA)
reads its input feature map through a raw pointer as if it were NCHW, so a
two-stage detector in NHWC would pool the wrong pixels without any error.
The hook refuses a model with an RoI head instead.
"""
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmdet.registry import HOOKS

from custom_modules.errors import UserError


def to_channels_last(model: torch.nn.Module) -> int:
    """Converts ``model``'s 4-D parameters and buffers to channels_last in
    place and returns how many tensors changed layout."""
    detector = getattr(model, 'module', model)  # DDP
    if hasattr(detector, 'roi_head'):
        raise UserError(
            f'ChannelsLastHook cannot run {type(detector).__name__}: mmcv\'s '
            'RoIAlign reads NCHW memory and would pool the wrong pixels; '
            'remove ChannelsLastHook from custom_hooks for two-stage '
            'detectors.')
    changed = 0
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.dim() == 4 and not tensor.is_contiguous(
                memory_format=torch.channels_last):
            changed += 1
    model.to(memory_format=torch.channels_last)
    return changed


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Puts the model in NHWC once, after its weights are initialised or
    loaded and before the first step, whatever the loop (train, val or
    test).

    Args:
        enabled: ``False`` keeps NCHW, so that an A/B run or a timing
            (``tools/analysis/train_speed.py``) needs only an override such
            as ``custom_hooks.1.enabled=False``.
    """

    def __init__(self, enabled: bool = True) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f'ChannelsLastHook(enabled=...) takes True or '
                            f'False, got {enabled!r}')
        self.enabled = enabled
        self._done = False

    def _convert(self, runner) -> None:
        if self._done or not self.enabled:
            return
        self._done = True
        changed = to_channels_last(runner.model)
        print_log(f'ChannelsLastHook: model in channels_last (NHWC); '
                  f'{changed} weights changed layout (a 1x1 conv\'s weight '
                  'is laid out alike in both)', logger='current')

    def before_train(self, runner) -> None:
        self._convert(runner)

    def before_val(self, runner) -> None:
        self._convert(runner)

    def before_test(self, runner) -> None:
        self._convert(runner)
