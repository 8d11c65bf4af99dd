# Mask R-CNN, ResNet-50-FPN, 1x schedule, COCO 2017 instances.
# Reproduces the MMDetection model zoo's mask-rcnn_r50_fpn_1x_coco:
#   reference: 38.2 box AP, 34.7 mask AP on val2017 (8 GPUs x 2 images).
_base_ = [
    '../_base_/models/mask_rcnn_r50_fpn.py',
    '../_base_/datasets/coco_instance.py',
    '../_base_/schedules/schedule_1x.py',
    '../_base_/default_runtime.py',
]

model = dict(
    # ImageNet R-50, offline: put https://download.pytorch.org/models/
    # resnet50-0676ba61.pth (mmdet's torchvision://resnet50) in checkpoints/.
    backbone=dict(init_cfg=dict(
        _delete_=True, type='Pretrained',
        checkpoint='checkpoints/resnet50-0676ba61.pth')))
