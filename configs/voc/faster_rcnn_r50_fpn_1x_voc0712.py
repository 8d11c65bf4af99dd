# Faster R-CNN, ResNet-50-FPN, "1x" schedule, Pascal VOC 07+12.
# Reproduces the MMDetection model zoo's faster-rcnn_r50_fpn_1x_voc0712:
#   reference: 79.5 mAP (VOC2007 test, IoU 0.5, 11-point), per the zoo's
#   configs/pascal_voc/README.md. For scale: the Faster R-CNN paper reports
#   73.2 with VGG16 and no FPN on the same 07+12 protocol.
_base_ = [
    '../_base_/models/faster_rcnn_r50_fpn.py',
    '../_base_/datasets/voc0712.py',
    '../_base_/schedules/schedule_1x.py',
    '../_base_/default_runtime.py',
]

model = dict(
    # ImageNet R-50, offline: put https://download.pytorch.org/models/
    # resnet50-0676ba61.pth (mmdet's torchvision://resnet50) in checkpoints/.
    backbone=dict(init_cfg=dict(
        _delete_=True, type='Pretrained',
        checkpoint='checkpoints/resnet50-0676ba61.pth')),
    # The 20 VOC classes (VOCDataset's METAINFO order).
    roi_head=dict(bbox_head=dict(num_classes=20)))

# The zoo's VOC schedule: 4 epochs of the 3x-repeated 07+12 set (voc0712.py),
# i.e. 12 passes over the data like "1x", lr 0.01 divided by 10 after epoch 3
# (pass 9), and no warm-up.
train_cfg = dict(max_epochs=4)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=4, milestones=[3],
         gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
