# Cascade Mask R-CNN R50-FPN on the embedded shapes dataset (polygon masks),
# from a random init, on a CPU: configs/cascade_rcnn_r50_fpn.py's recipe with
# a 128-wide mask head on each stage.
_base_ = [
    '_base_/models/cascade_mask_rcnn_r50_fpn.py',
    '_base_/datasets/shapes_instance.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# Iteration-based checkpoints: every validation is a resume point.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=100))
norm_cfg = dict(type='BN', requires_grad=True)
stage_common = dict(
    type='Shared2FCBBoxHead',
    in_channels=128,
    fc_out_channels=512,
    roi_feat_size=7,
    num_classes=6,
    reg_class_agnostic=True,
    loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False,
                  loss_weight=1.0),
    loss_bbox=dict(type='SmoothL1Loss', beta=1.0, loss_weight=1.0))
cascade_bbox_heads = [
    dict(stage_common, bbox_coder=dict(
        type='DeltaXYWHBBoxCoder', target_means=[0., 0., 0., 0.],
        target_stds=stds))
    for stds in ([0.1, 0.1, 0.2, 0.2], [0.05, 0.05, 0.1, 0.1],
                 [0.033, 0.033, 0.067, 0.067])
]
model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, norm_cfg=norm_cfg),
    neck=dict(out_channels=128, norm_cfg=norm_cfg),
    rpn_head=dict(
        in_channels=128,
        feat_channels=128,
        anchor_generator=dict(scales=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=128),
        bbox_head=cascade_bbox_heads,
        mask_roi_extractor=dict(out_channels=128),
        mask_head=dict(in_channels=128, conv_out_channels=128,
                       num_classes=6)),
    # Anchors may cross the border (-1), as benchmarked; mmdet's cascade
    # base ignores them (0).
    train_cfg=dict(rpn=dict(allowed_border=-1)))
