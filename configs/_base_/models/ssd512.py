# SSD512: SSD300's design at 512 px with one more extra level (seven maps at
# strides 8-512), scales over 0.1-0.9 of the input and a final 4x4 conv:
# 24,564 default boxes. The larger input is what buys the small-object AP.
#
# Written as the change from SSD300 rather than as a whole model, because
# that is what SSD512 is: each SSD512 config (ssd512.py, coco/ssd512_coco.py,
# voc/ssd512_voc0712.py) inherits its SSD300 sibling, lists this file too
# and applies the change with `model = _base_.ssd512_from_ssd300`, so the
# recipe around the network (augmentation, schedule) is written once.
ssd512_from_ssd300 = dict(
    neck=dict(
        out_channels=(512, 1024, 512, 256, 256, 256, 256),
        level_strides=(2, 2, 2, 2, 1),
        level_paddings=(1, 1, 1, 1, 1),
        last_kernel_size=4),
    bbox_head=dict(
        in_channels=(512, 1024, 512, 256, 256, 256, 256),
        anchor_generator=dict(
            input_size=512,
            basesize_ratio_range=(0.1, 0.9),
            strides=[8, 16, 32, 64, 128, 256, 512],
            ratios=[[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]])))
