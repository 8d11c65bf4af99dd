# Mask R-CNN (He et al., ICCV 2017): Faster R-CNN with FPN plus a parallel
# 4-conv FCN mask head on 14x14 RoIAlign features that predicts one 28x28
# binary mask per class; the class is chosen by the box branch, so masks do
# not compete across classes (per-pixel sigmoid, not softmax).
#
# mmdet's own base model (mmdet 3.3's configs/_base_/models/mask-rcnn_r50_fpn.py),
# inherited rather than copied, without its ImageNet init: the embedded
# configs train from scratch, and the published recipes name the weights.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
model = dict(backbone=dict(init_cfg=None))
