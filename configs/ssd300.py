# SSD300 on the embedded shapes dataset, from a random init, on a CPU. The
# architecture is the paper's (VGG16, 8,732 default boxes, 3:1 hard negative
# mining); for training from scratch the input is normalised by the ImageNet
# std as well as the mean (the paper's VGG was trained on mean-subtracted
# 0-255 input, a random one trains far better on unit-scale input), and the
# optimiser is AdamW (schedules/cpu_adamw_short.py). Images are warped to
# 300x300 without keeping the ratio, as in the paper
# (_base_/datasets/shapes_square.py).
_base_ = [
    '_base_/models/ssd300.py',
    '_base_/datasets/shapes_square.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# The forward pass in bf16 where the CPU (or GPU) has it natively, fp32
# elsewhere: about twice the steps per minute on a CPU with AVX512-BF16
# (custom_modules/engine/bf16_autocast_optim_wrapper.py, docs/train_speed.md).
optim_wrapper = dict(type='BF16AutocastOptimWrapper')
# Iteration-based checkpoints: every validation is a resume point.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=100))
input_size = 300
# Batch norm after every convolution of the VGG trunk and of the extra
# layers: a plain VGG16 from a random init spends its first ~200 iterations
# near 0 AP (docs/benchmark_notes.md). RefineDet's embedded configs carry the
# same change, so the two detectors are compared on equal terms.
model = dict(
    data_preprocessor=dict(std=[58.395, 57.12, 57.375]),
    backbone=dict(type='NormSSDVGG', norm_cfg=dict(type='BN')),
    neck=dict(norm_cfg=dict(type='BN')),
    bbox_head=dict(num_classes=6))
