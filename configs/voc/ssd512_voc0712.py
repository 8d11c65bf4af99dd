# SSD512, VGG16, Pascal VOC 07+12.
# Reproduces the MMDetection model zoo's ssd512_voc0712:
#   reference: 79.5 mAP (VOC2007 test, IoU 0.5, 11-point), per the zoo's
#   configs/pascal_voc/README.md. The SSD paper reports 79.8 for SSD512
#   with the same zoom-out augmentation ("SSD512*", 07+12).
# The recipe of ssd300_voc0712.py at 512 px.
_base_ = ['./ssd300_voc0712.py', '../_base_/models/ssd512.py']
input_size = 512
model = _base_.ssd512_from_ssd300
# The zoo's SSD512-on-VOC scales: default boxes from 0.15 to 0.9 of the
# input (the COCO setting starts at 0.1).
model.bbox_head.anchor_generator.basesize_ratio_range = (0.15, 0.9)
# The same augmentation, warped to 512x512 at the end.
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[4].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = _base_.train_dataloader
train_dataloader.dataset.dataset.datasets[0].pipeline = train_pipeline
train_dataloader.dataset.dataset.datasets[1].pipeline = train_pipeline
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
