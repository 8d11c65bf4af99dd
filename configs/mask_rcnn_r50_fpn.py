# Mask R-CNN R50-FPN on the embedded shapes dataset (polygon masks), from a
# random init, on a CPU: the Faster R-CNN recipe of configs/faster_rcnn_r50_fpn.py
# plus a 128-wide mask head.
_base_ = [
    '_base_/models/mask_rcnn_r50_fpn.py',
    '_base_/datasets/shapes_instance.py',
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
        bbox_head=dict(in_channels=128, fc_out_channels=512, num_classes=6),
        mask_roi_extractor=dict(out_channels=128),
        mask_head=dict(in_channels=128, conv_out_channels=128,
                       num_classes=6)),
    # match_low_quality=False: the recipe as benchmarked (mmdet's Mask R-CNN
    # base matches low-quality boxes; its Faster R-CNN base does not).
    train_cfg=dict(rcnn=dict(sampler=dict(num=256),
                             assigner=dict(match_low_quality=False))))
