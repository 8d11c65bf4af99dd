# RetinaNet, ResNet-50-FPN, "1x" schedule, Pascal VOC 07+12.
# Reproduces the MMDetection model zoo's retinanet_r50_fpn_1x_voc0712:
#   reference: 79.2 mAP (VOC2007 test, IoU 0.5, 11-point), per the zoo's
#   configs/pascal_voc/README.md (its 2022 re-training; the earlier 2020
#   model scored 77.3). The RetinaNet paper reports no VOC number.
_base_ = ['../_base_/models/retinanet_r50_fpn.py',
          '../_base_/datasets/voc0712.py',
          '../_base_/schedules/voc0712_1x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']

# ImageNet ResNet-50 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(
    backbone=dict(init_cfg=_base_.resnet50_imagenet),
    # The 20 VOC classes (VOCDataset's METAINFO order). Focal loss gamma=2,
    # alpha=0.25 and the 0.01 bias prior come with the base model.
    bbox_head=dict(num_classes=20))
