"""Mixed-precision training in bfloat16, on a CPU as well as a GPU.

Why: a detector trained from scratch on a 2-core CPU is limited by how many
steps it gets in its time budget, and almost all of a step is convolutions.
Modern x86 CPUs (AVX512-BF16 on AMD Zen 4 and Intel Cooper Lake, AMX on
Sapphire Rapids) run bf16 convolutions about twice as fast as fp32 ones
(the measured RetinaNet R50-FPN steps are in docs/train_speed.md). mmengine's
``AmpOptimWrapper`` is CUDA/NPU only, so a CPU user has no way to ask for it
from a config; this wrapper is that way.

How it works: the weights, their gradients and the optimizer state stay in
fp32. Only the forward pass runs under autocast, which computes convolutions
and matrix products in bf16 and keeps precision-sensitive ops (losses such
as BCE-with-logits and L1, reductions, softmax) in fp32. bf16 has fp32's
exponent range, so unlike fp16 it needs no loss scaling: gradients do not
underflow, and the update is the plain fp32 one.

The trade, measured on the demo config (docs/benchmarks.md): per step bf16
learns less (5.7 against 8.8 AP after 300 iterations, one seed each: bf16
keeps 8 bits of mantissa in activations and their gradients), per minute it
learns more, so it is the right choice when a time budget, not a step count,
is fixed. ``enabled=False`` gives the fp32 run from the same config.

When the hardware has no native bf16 (an older CPU, a pre-Ampere GPU,
or a CPU whose oneDNN this process caps below bf16: onednn_bf16_cap),
autocast would emulate it and run *slower* than fp32, so ``enabled='auto'``
falls back to fp32 there and says so once in the log. ``enabled=True``
forces bf16 (tests use it to check numerics on any machine).

Two-stage detectors stay in fp32 on a CPU: their proposals go through
mmcv's compiled ``nms`` and ``roi_align``, whose CPU kernels take fp32 only
(``expected scalar type Float but found BFloat16``). The single-stage ones
(SSD, RetinaNet, RefineDet) do their NMS at test time, outside autocast.
"""
import os
from contextlib import contextmanager
from typing import Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from mmdet.registry import OPTIM_WRAPPERS


def two_stage_on_cpu(model: torch.nn.Module, device_type: str) -> bool:
    """Whether ``model`` has the RoI stage whose mmcv CPU ops refuse bf16."""
    model = getattr(model, 'module', model)  # DDP/MMDistributedDataParallel
    return device_type == 'cpu' and hasattr(model, 'roi_head')


# oneDNN's instruction-set names (ONEDNN_MAX_CPU_ISA) from AVX512_CORE_BF16
# up: the first with bf16 dot products. A cap below them makes oneDNN, which
# runs the convolutions, emulate bf16 however new the CPU is.
_ONEDNN_BF16_ISAS = {'AVX512_CORE_BF16', 'AVX10_1_512', 'AVX512_CORE_AMX',
                     'AVX10_1_512_AMX', 'AVX512_CORE_AMX_FP16',
                     'AVX10_1_512_AMX_FP16', 'ALL', 'DEFAULT'}


def onednn_bf16_cap() -> Optional[str]:
    """The ``ONEDNN_MAX_CPU_ISA`` (or older ``DNNL_MAX_CPU_ISA``) of this
    process when it caps oneDNN below bf16, else None.

    Why it matters: ``ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2`` is
    how a machine with AVX512-BF16 times the path of an AVX2-only laptop
    (docs/time_to_accuracy.md). Under that cap the CPU flags still say bf16,
    yet every bf16 convolution would be emulated; ``'auto'`` must then
    choose fp32, as it would on the laptop itself."""
    for var in ('ONEDNN_MAX_CPU_ISA', 'DNNL_MAX_CPU_ISA'):
        cap = os.environ.get(var, '').strip()
        if cap:
            return None if cap.upper() in _ONEDNN_BF16_ISAS else cap
    return None


def native_bf16(device_type: str) -> bool:
    """Whether ``device_type`` computes bf16 in hardware rather than by
    emulation, in this process (a oneDNN cap counts: onednn_bf16_cap)."""
    if device_type == 'cuda':
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported(
            including_emulation=False)
    if device_type == 'cpu':
        return ((torch.cpu._is_avx512_bf16_supported()
                 or torch.cpu._is_amx_tile_supported())
                and onednn_bf16_cap() is None)
    return False


@OPTIM_WRAPPERS.register_module()
class BF16AutocastOptimWrapper(OptimWrapper):
    """An :class:`~mmengine.optim.OptimWrapper` whose forward pass runs under
    ``torch.autocast(<model's device>, dtype=torch.bfloat16)``.

    Args:
        enabled: ``'auto'`` (bf16 where the hardware has it natively, fp32
            elsewhere), ``True`` (always bf16) or ``False`` (always fp32,
            for an A/B run from the same config).
        **kwargs: everything :class:`OptimWrapper` takes (``optimizer``,
            ``clip_grad``, ``accumulative_counts``).
    """

    def __init__(self, enabled: Union[str, bool] = 'auto', **kwargs):
        if enabled not in ('auto', True, False):
            raise ValueError(f"enabled must be 'auto', True or False, "
                             f'got {enabled!r}')
        super().__init__(**kwargs)
        self.enabled = enabled
        self._decided = {}

    def uses_bf16(self, model: torch.nn.Module, device_type: str) -> bool:
        """Whether ``model`` on ``device_type`` trains in bf16 (decided and
        logged the first time it is asked for each device)."""
        if device_type in self._decided:
            return self._decided[device_type]
        why = ''
        if self.enabled is False:
            use = False
        elif two_stage_on_cpu(model, device_type):
            if self.enabled is True:
                raise RuntimeError(
                    'BF16AutocastOptimWrapper(enabled=True) cannot train a '
                    "two-stage detector on a CPU: mmcv's CPU nms/roi_align "
                    "take fp32 only; use enabled='auto' or OptimWrapper.")
            use, why = False, (" (mmcv's CPU nms/roi_align of the RoI stage "
                               'take fp32 only)')
        elif self.enabled is True:
            use = True
        else:
            use = native_bf16(device_type)
            if not use:
                cap = onednn_bf16_cap() if device_type == 'cpu' else None
                why = (' (no native bf16 on this device; emulated bf16 would '
                       'be slower than fp32)' if cap is None else
                       f' (oneDNN capped at {cap} by ONEDNN_MAX_CPU_ISA: '
                       'bf16 would be emulated, slower than fp32)')
        self._decided[device_type] = use
        print_log(f'BF16AutocastOptimWrapper: training on {device_type} '
                  f"in {'bf16 autocast' if use else 'fp32'}{why}",
                  logger='current')
        return use

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        with super().optim_context(model):
            param = next(model.parameters(), None)
            device_type = 'cpu' if param is None else param.device.type
            if self.uses_bf16(model, device_type):
                with torch.autocast(device_type=device_type,
                                    dtype=torch.bfloat16):
                    yield
            else:
                yield
