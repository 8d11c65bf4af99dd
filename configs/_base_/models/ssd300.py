# SSD300 (Liu et al., ECCV 2016): VGG16 with fc6/fc7 as (dilated) convolutions,
# L2-normalised conv4_3, and extra layers giving six maps at strides
# 8/16/32/64/100/300. Each cell predicts 4 or 6 default boxes (ratios 1, 2,
# 1/2, and 3, 1/3 on the middle maps) with scales spread linearly over
# 0.15-0.9 of the input: 8,732 boxes in all. Softmax classification with 3:1
# hard negative mining, smooth L1 on (0.1, 0.2)-scaled offsets.
# PredictableSSDHead is mmdet's SSDHead with its predict bug (#11780) fixed.
#
# mmdet's own base model (mmdet 3.3's configs/_base_/models/ssd300.py),
# inherited rather than copied, without its ImageNet init: the embedded
# configs train from scratch, and the published recipes name the weights.
_base_ = 'mmdet::_base_/models/ssd300.py'
model = dict(backbone=dict(init_cfg=None),
             bbox_head=dict(type='PredictableSSDHead'))
