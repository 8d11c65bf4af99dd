"""ProgressiveResize: train on small images first, on full-size ones last.

What it does. A batch augment of mmdet's ``DetDataPreprocessor`` (the
``batch_augments`` list, applied in training only). Given a schedule such as
``((0.5, 128), (0.75, 160))`` it downscales every training batch to a long
side of 128 px for the first half of the run, 160 px until three quarters,
and leaves it at the pipeline's size (192 px in the demo) for the last
quarter. Images, boxes and instance masks are rescaled together (bilinear
on the padded batch tensor, nearest on bitmap masks, one factor per axis,
each size a multiple of ``size_divisor``), so the targets stay exact: a
Mask R-CNN crops its mask targets at its proposals, which live in the
resized frame.

Why it works. Early in training from a random init a detector learns coarse
things -- colour, blobs, rough extents -- that small images show as well as
large ones; only late, when it refines boxes and small objects, do the
pixels pay for themselves. A convolutional network's step costs roughly its
input's area, so the early steps are bought at a fraction of the price
(``tools/analysis/train_speed.py`` measures it: docs/train_speed*.md).
Ending on the test
size matters: the last phase re-tunes the network to the scale at which it
will be evaluated (the train/test resolution discrepancy of Touvron et al.,
"Fixing the train-test resolution discrepancy", 2019). The idea is the
progressive resizing of fast.ai's DAWNBench entries and EfficientNetV2's
progressive learning, applied to a detector's batches.

The phase is read from mmengine's message hub (``iter`` and ``max_iters``,
set by the Runner's RuntimeInfoHook), as a fraction of the run, so
``tools/train.py --max-iters`` compresses it with the rest of the schedule.
Outside a Runner (no ``max_iters``) the batch is left as it is.
"""
from typing import List, Sequence, Tuple

import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmdet.registry import MODELS


@MODELS.register_module()
class ProgressiveResize(nn.Module):
    """Args:
        schedule: ``((fraction, long_side), ...)`` in increasing fraction:
            until ``fraction`` of ``max_iters``, batches are scaled so their
            long side is ``long_side``; after the last fraction they keep
            the pipeline's size.
        size_divisor: each side of the resized batch is a multiple of it
            (the FPN's coarsest stride, as the data preprocessor pads).
    """

    def __init__(self, schedule: Sequence[Tuple[float, int]],
                 size_divisor: int = 32) -> None:
        super().__init__()
        fractions = [f for f, _ in schedule]
        if fractions != sorted(fractions) or not all(
                0 < f <= 1 for f in fractions):
            raise ValueError('ProgressiveResize schedule fractions must '
                             f'increase within (0, 1], got {fractions}')
        self.schedule = [(float(f), int(s)) for f, s in schedule]
        self.size_divisor = size_divisor

    def long_side_at(self, it: int, max_iters: int):
        """The scheduled long side at iteration ``it``, or None (keep)."""
        progress = it / max(max_iters, 1)
        for fraction, side in self.schedule:
            if progress < fraction:
                return side
        return None

    def forward(self, inputs, data_samples: List):
        hub = MessageHub.get_current_instance()
        max_iters = hub.get_info('max_iters')
        side = (self.long_side_at(hub.get_info('iter', 0), max_iters)
                if max_iters else None)
        h, w = inputs.shape[-2:]
        if side is None or side >= max(h, w):
            return inputs, data_samples
        ratio = side / max(h, w)
        d = self.size_divisor
        new_h = max(d, int(round(h * ratio / d)) * d)
        new_w = max(d, int(round(w * ratio / d)) * d)
        sy, sx = new_h / h, new_w / w
        inputs = F.interpolate(inputs, size=(new_h, new_w), mode='bilinear',
                               align_corners=False)
        for sample in data_samples:
            ih, iw = sample.img_shape
            sample.set_metainfo(dict(
                img_shape=(int(round(ih * sy)), int(round(iw * sx))),
                pad_shape=(new_h, new_w), batch_input_shape=(new_h, new_w)))
            for key in ('gt_instances', 'ignored_instances'):
                if key in sample:
                    instances = getattr(sample, key)
                    instances.bboxes = _scaled(instances.bboxes, sx, sy)
                    if 'masks' in instances:
                        masks = instances.masks
                        instances.masks = masks.resize(
                            (int(round(masks.height * sy)),
                             int(round(masks.width * sx))))
        return inputs, data_samples


def _scaled(bboxes, sx: float, sy: float):
    if hasattr(bboxes, 'rescale_'):  # mmdet's HorizontalBoxes
        bboxes.rescale_((sx, sy))
        return bboxes
    bboxes = bboxes.clone()
    bboxes[..., 0::2] *= sx
    bboxes[..., 1::2] *= sy
    return bboxes
