# Faster R-CNN on a ResNet-18 FPN at 192 px: the light twin of
# configs/faster_rcnn_r50_fpn.py, for the Cascade-vs-Faster study at AP75
# (docs/paper_claims.md), trained exactly as
# configs/ablations/cascade_rcnn_r18_fpn_192.py so that only the RoI head
# differs:
#
#   python tools/benchmark_zoo.py --configs configs/ablations/faster_rcnn_r18_fpn_192.py \
#       configs/ablations/cascade_rcnn_r18_fpn_192.py --seeds 0-3 --jobs 2
#
# The design is Faster R-CNN's (RPN on P2-P6, RoIAlign 7x7, a 2-fc box head,
# IoU 0.5 for the head's positives); what makes it light:
# - ResNet-18 instead of ResNet-50, and the fp32 RetinaNet recipe's
#   progressive resizing (128 -> 160 -> 192 px, tested at 192, batch 4;
#   configs/ablations/retinanet_r50_fpn_fp32_20min.py says why each lever);
# - the box head's two fc layers have 256 outputs instead of 512, and at
#   test time the RPN passes 300 proposals instead of 1000: each RoI costs
#   a 6,272 x fc matrix product, so on small inputs the RoI head, not the
#   trunk, dominates (tools/analysis/model_complexity.py), three times over
#   in the cascade. 300 proposals still cover the few dozen objects of an
#   image of the embedded data;
# - 128 RoIs per image train the box head instead of 256 (up to 32 of them
#   positive, for an image of about five objects): on a CPU, mmcv's
#   RoIAlign, whose cost is proportional to the RoIs, is most of the step
#   (a profile in docs/benchmark_notes.md).
# The embedded R-50 configs at 256 px cost hours per seed to level off (the
# zoo's train minutes in docs/benchmarks.md), three seeds per arm even more.
_base_ = '../faster_rcnn_r50_fpn.py'
model = dict(
    data_preprocessor=dict(batch_augments=[
        dict(type='ProgressiveResize', schedule=((0.5, 128), (0.8, 160)))]),
    backbone=dict(depth=18),
    neck=dict(in_channels=[64, 128, 256, 512]),
    roi_head=dict(bbox_head=dict(fc_out_channels=256)),
    train_cfg=dict(rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(max_per_img=300)))
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (192, 192)
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(fused=True))
# The papers' step schedule in twelve validated parts, as the focal-loss
# study's (configs/ablations/retinanet_r18_fpn_focal_ablation.py says why):
# the last two validations frame the final phase at 1% of the peak lr.
max_iters = 2400
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
