# SSD512, VGG16, COCO 2017.
# Reproduces the MMDetection model zoo's ssd512_coco:
#   reference: 29.5 box AP on val2017 (8 GPUs x 8 images).
# The recipe of ssd300_coco.py at 512 px; the extra input resolution (and
# the seventh feature map it allows) is worth +4.0 box AP in the zoo.
_base_ = ['./ssd300_coco.py', '../_base_/models/ssd512.py']
input_size = 512
model = _base_.ssd512_from_ssd300
# The same augmentation, warped to 512x512 at the end.
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[4].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
