# SSD300 at a quarter of VGG16's width: the light twin of configs/ssd300.py,
# for the RefineDet320-vs-SSD300 study (docs/paper_claims.md). Everything
# that makes the design SSD300 stays: the 300x300 input, the 15 trunk
# convolutions and the extra layers with their strides and dilations, the
# six maps at 38/19/10/5/3/1 cells, the 8,732 default boxes, 3:1 hard
# negative mining. Only every layer's channel count is divided by 4
# (NormSSDVGG's widen_factor), which divides the multiply-adds by about 16:
#
#   python tools/benchmark_zoo.py --configs configs/ablations/ssd300_vgg16w4.py \
#       configs/ablations/refinedet320_vgg16w4.py --seeds 0-3 --jobs 2
#
# Why not the full width: at the time a training step of the faithful SSD300
# takes on 2 cores (docs/train_speed_fp32_avx2_cap_ssd300.md), the steps a
# from-scratch run needs to level off are hours per seed. A study of
# two designs at the same reduced width compares the designs; what it does
# not say is how either does at full width.
_base_ = '../ssd300.py'
model = dict(
    backbone=dict(widen_factor=0.25),
    neck=dict(in_channels=(128, 256),
              out_channels=(128, 256, 128, 64, 64, 64)),
    bbox_head=dict(in_channels=(128, 256, 128, 64, 64, 64)))
# The papers' step schedule in twelve validated parts, as the focal-loss
# study's (configs/ablations/retinanet_r18_fpn_focal_ablation.py says why):
# the last two validations frame the final phase at 1% of the peak lr.
max_iters = 1200
val_interval = max_iters // 12
warmup_iters = max_iters // 25
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 8 // 12, max_iters * 11 // 12], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=val_interval, max_keep_ckpts=1))
