# Mask R-CNN, ResNet-50-FPN, 1x schedule, COCO 2017 instances.
# Reproduces the MMDetection model zoo's mask-rcnn_r50_fpn_1x_coco:
#   reference: 38.2 box AP, 34.7 mask AP on val2017 (8 GPUs x 2 images).
_base_ = ['../_base_/models/mask_rcnn_r50_fpn.py',
          '../_base_/datasets/coco_instance.py',
          '../_base_/schedules/schedule_1x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']

# ImageNet ResNet-50 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(backbone=dict(init_cfg=_base_.resnet50_imagenet))
