# RefineDet512, ResNet-101, COCO 2017.
# The paper's "RefineDet512 ResNet-101" (Zhang et al., CVPR 2018):
#   reference: 36.4 box AP on COCO test-dev (single-scale test; 41.8 with its
#   multi-scale test, "RefineDet512+", the tta_model of the VGG16 recipe).
# Everything but the trunk is refinedet512_vgg16_coco.py: batch 32, SGD
# momentum 0.9, weight decay 5e-4, lr 1e-3 then 1e-4 and 1e-5 over 400k
# iterations, SSD's augmentation. The source maps are res3b3 / res4b22 /
# res5c and one extra residual block at stride 64
# (custom_modules/models/backbones/refinedet_resnet.py); ResNet needs no
# L2Norm, so the ARM and TCB read the stages directly.
_base_ = './refinedet512_vgg16_coco.py'

model = dict(
    # torchvision's ImageNet ResNets expect RGB scaled by the ImageNet std,
    # unlike the Caffe VGG16 (mean-subtracted 0-255 pixels).
    data_preprocessor=dict(std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(
        _delete_=True,
        type='RefineDetResNet',
        depth=101,
        extra_planes=128,
        # Stem and stage 1 frozen, BN statistics frozen at their ImageNet
        # values (8 images per GPU are too few to estimate them), as in
        # mmdet's ResNet detection recipes. The extra block, which ImageNet
        # did not train, learns its BN statistics regardless.
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        style='pytorch',
        # torchvision's ImageNet ResNet-101 (IMAGENET1K_V1) from
        # checkpoints/ (_base_/imagenet_weights.py).
        # (A whole new backbone, so no _delete_ to carry.)
        init_cfg=dict(type='Pretrained',
                      checkpoint=_base_.resnet101_imagenet.checkpoint)),
    neck=dict(in_channels=(512, 1024, 2048, 512)),
    bbox_head=dict(arm=dict(in_channels=(512, 1024, 2048, 512))))
