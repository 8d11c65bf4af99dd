# Cascade Mask R-CNN: Cascade R-CNN (IoU 0.5/0.6/0.7) with a Mask R-CNN mask
# head on every stage; at test time the masks of the last stage's boxes are
# averaged over the three mask heads.
#
# mmdet's own base model (mmdet 3.3's configs/_base_/models/cascade-mask-rcnn_r50_fpn.py),
# inherited rather than copied, without its ImageNet init: the embedded
# configs train from scratch, and the published recipes name the weights.
_base_ = 'mmdet::_base_/models/cascade-mask-rcnn_r50_fpn.py'
model = dict(backbone=dict(init_cfg=None))
