# RetinaNet, ResNet-50-FPN, 1x schedule, COCO 2017.
# Reproduces the MMDetection model zoo's retinanet_r50_fpn_1x_coco:
#   reference: 36.5 box AP on val2017 (8 GPUs x 2 images).
_base_ = ['../_base_/models/retinanet_r50_fpn.py',
          '../_base_/datasets/coco_detection.py',
          '../_base_/schedules/schedule_1x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']

# ImageNet ResNet-50 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(
    backbone=dict(init_cfg=_base_.resnet50_imagenet),
    # Focal loss gamma=2, alpha=0.25 and the classifier bias prior 0.01 are
    # the paper's and come with the base model.
)

# Half the two-stage lr: the RetinaNet paper trains at 0.01 for a 16-image
# batch, and Detectron and the zoo keep that value.
optim_wrapper = dict(optimizer=dict(lr=0.01))
