# Cascade R-CNN, ResNet-50-FPN, 1x schedule, COCO 2017.
# Reproduces the MMDetection model zoo's cascade-rcnn_r50_fpn_1x_coco:
#   reference: 40.3 box AP on val2017 (8 GPUs x 2 images), +2.9 over
#   Faster R-CNN (37.4) with the same backbone and schedule; the gain is
#   mostly at high IoU (AP75), which is what the 0.5/0.6/0.7 stages are for.
_base_ = ['../_base_/models/cascade_rcnn_r50_fpn.py',
          '../_base_/datasets/coco_detection.py',
          '../_base_/schedules/schedule_1x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']

# ImageNet ResNet-50 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(backbone=dict(init_cfg=_base_.resnet50_imagenet))
