# RefineDet320 at a quarter of VGG16's width: the light twin of
# configs/refinedet320.py, trained as configs/ablations/ssd300_vgg16w4.py is
# (same width, recipe and schedule) so that the two designs are compared on
# equal terms. The design is RefineDet320's: 320x320 input, the ARM on four
# levels at strides 8-64, TCBs, the ODM on the refined anchors, 6,375
# anchors, the 0.99 negative filter. The channels of the trunk, the extra
# block and the TCBs are divided by 4 (RefineDetVGG's widen_factor; TCBs of
# 64 channels instead of 256). Why a light twin at all: ssd300_vgg16w4.py.
_base_ = '../refinedet320.py'
model = dict(
    backbone=dict(widen_factor=0.25, extra_channels=(64, 128)),
    neck=dict(in_channels=(128, 128, 256, 128), out_channels=64),
    bbox_head=dict(
        arm=dict(in_channels=(128, 128, 256, 128)),
        odm=dict(in_channels=(64, 64, 64, 64))))
# SSD300's light twin's schedule (ssd300_vgg16w4.py says why).
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
