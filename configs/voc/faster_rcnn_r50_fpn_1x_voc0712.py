# Faster R-CNN, ResNet-50-FPN, "1x" schedule, Pascal VOC 07+12.
# Reproduces the MMDetection model zoo's faster-rcnn_r50_fpn_1x_voc0712:
#   reference: 79.5 mAP (VOC2007 test, IoU 0.5, 11-point), per the zoo's
#   configs/pascal_voc/README.md. For scale: the Faster R-CNN paper reports
#   73.2 with VGG16 and no FPN on the same 07+12 protocol.
_base_ = ['../_base_/models/faster_rcnn_r50_fpn.py',
          '../_base_/datasets/voc0712.py',
          '../_base_/schedules/voc0712_1x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']

# ImageNet ResNet-50 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(
    backbone=dict(init_cfg=_base_.resnet50_imagenet),
    # The 20 VOC classes (VOCDataset's METAINFO order).
    roi_head=dict(bbox_head=dict(num_classes=20)))
