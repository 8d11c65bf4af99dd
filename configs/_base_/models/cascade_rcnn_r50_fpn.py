# Cascade R-CNN (Cai & Vasconcelos, CVPR 2018): three R-CNN stages trained at
# rising IoU thresholds 0.5 / 0.6 / 0.7. Each stage refines the boxes of the
# previous one, so the later stages see proposals good enough to be trained at
# a high IoU without running out of positives; their regression targets are
# smaller, hence the tighter target stds (0.1/0.2, 0.05/0.1, 0.033/0.067).
# Stage losses are weighted 1, 0.5, 0.25.
#
# mmdet's own base model (mmdet 3.3's configs/_base_/models/cascade-rcnn_r50_fpn.py),
# inherited rather than copied, without its ImageNet init: the embedded
# configs train from scratch, and the published recipes name the weights.
_base_ = 'mmdet::_base_/models/cascade-rcnn_r50_fpn.py'
model = dict(backbone=dict(init_cfg=None))
