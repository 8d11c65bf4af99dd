# Cascade Mask R-CNN, ResNet-50-FPN, 1x schedule, COCO 2017 instances.
# Reproduces the MMDetection model zoo's cascade-mask-rcnn_r50_fpn_1x_coco:
#   reference: 41.2 box AP, 35.9 mask AP on val2017 (8 GPUs x 2 images).
_base_ = [
    '../_base_/models/cascade_mask_rcnn_r50_fpn.py',
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
