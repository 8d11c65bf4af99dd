# Faster R-CNN R50-FPN on the embedded shapes dataset, from a random init, on
# a CPU. The paper's two stages and samplers are kept; for training from
# scratch in minutes: BN trains everywhere (FPN included), the FPN and heads
# are 128 channels wide with 512-wide fcs, and the RPN anchors start at 4x
# stride (16 px on P2) for the dataset's 8-24 px objects. AdamW schedule.
_base_ = [
    '_base_/models/faster_rcnn_r50_fpn.py',
    '_base_/datasets/shapes_detection.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# Iteration-based checkpoints: every validation is a resume point.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=100))
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, norm_cfg=norm_cfg),
    neck=dict(out_channels=128, norm_cfg=norm_cfg),
    rpn_head=dict(
        in_channels=128,
        feat_channels=128,
        anchor_generator=dict(scales=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=128),
        bbox_head=dict(in_channels=128, fc_out_channels=512, num_classes=6)),
    train_cfg=dict(rcnn=dict(sampler=dict(num=256))))
