# The "1x" schedule of Detectron and the MMDetection model zoo: 12 epochs of
# COCO at a 16-image batch (8 GPUs x 2), SGD with momentum, the learning rate
# divided by 10 after epochs 8 and 11.
# A linear warm-up over the first 500 iterations from 0.1% of the lr: the
# randomly initialised heads produce large gradients at first, and the full
# lr of 0.02 on them can diverge before they settle. lr 0.02 belongs to a
# 16-image batch; on fewer GPUs keep the recipe and add
# `--cfg-options auto_scale_lr.enable=True`: mmengine then scales the lr by
# (GPUs x images per GPU) / 16, the linear scaling rule.
#
# mmdet's own schedule (mmdet 3.3's configs/_base_/schedules/schedule_1x.py),
# inherited rather than copied.
_base_ = 'mmdet::_base_/schedules/schedule_1x.py'
