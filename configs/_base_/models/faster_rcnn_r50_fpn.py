# Faster R-CNN (Ren et al., NeurIPS 2015) with FPN (Lin et al., CVPR 2017):
# an RPN proposes boxes from 3 anchors per cell on P2-P6 (IoU 0.7 positive,
# 0.3 negative, 256 samples at 1:1), then RoIAlign pools 7x7 features per
# proposal and a 2-fc head classifies and refines them (512 samples per image,
# 25% positives at IoU 0.5).
#
# This is mmdet's own base model, inherited rather than copied (mmdet 3.3's
# configs/_base_/models/faster-rcnn_r50_fpn.py), without its ImageNet init: the
# embedded configs train from scratch, and the published recipes
# (configs/coco/, configs/voc/) name the weights file.
_base_ = 'mmdet::_base_/models/faster-rcnn_r50_fpn.py'
model = dict(backbone=dict(init_cfg=None))
