# Cascade R-CNN, ResNet-50-FPN, 1x schedule, COCO 2017.
# Reproduces the MMDetection model zoo's cascade-rcnn_r50_fpn_1x_coco:
#   reference: 40.3 box AP on val2017 (8 GPUs x 2 images), +2.9 over
#   Faster R-CNN (37.4) with the same backbone and schedule; the gain is
#   mostly at high IoU (AP75), which is what the 0.5/0.6/0.7 stages are for.
_base_ = [
    '../_base_/models/cascade_rcnn_r50_fpn.py',
    '../_base_/datasets/coco_detection.py',
    '../_base_/schedules/schedule_1x.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        # Stem and stage 1 frozen; BN statistics kept at their ImageNet values
        # (2 images per GPU cannot estimate them), BN affine weights trained,
        # as in the zoo's torchvision-style R-50 recipes.
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        # torchvision's ImageNet ResNet-50 (IMAGENET1K_V1), read from disk
        # because this machine is offline. Put it at
        # checkpoints/resnet50-0676ba61.pth; it comes from
        # https://download.pytorch.org/models/resnet50-0676ba61.pth
        # (the file mmdet's 'torchvision://resnet50' resolves to).
        init_cfg=dict(
            type='Pretrained',
            checkpoint='checkpoints/resnet50-0676ba61.pth')))
