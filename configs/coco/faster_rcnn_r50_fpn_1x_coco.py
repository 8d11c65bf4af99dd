# Faster R-CNN, ResNet-50-FPN, 1x schedule, COCO 2017.
# Reproduces the MMDetection model zoo's faster-rcnn_r50_fpn_1x_coco:
#   reference: 37.4 box AP on val2017 (8 GPUs x 2 images, SGD lr 0.02).
_base_ = ['../_base_/models/faster_rcnn_r50_fpn.py',
          '../_base_/datasets/coco_detection.py',
          '../_base_/schedules/schedule_1x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']

# ImageNet ResNet-50 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(backbone=dict(init_cfg=_base_.resnet50_imagenet))
