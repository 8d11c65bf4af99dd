# SSD's data augmentation (Liu et al., ECCV 2016, "Data augmentation for
# small objects" and Sec. 2.2), which RefineDet adopts unchanged, in order:
# - zoom out: paste the image on a canvas up to 4x its size filled with the
#   mean colour (RGB mean, converted to the loader's BGR by to_rgb, so it
#   normalises to 0), which creates the small objects that a fixed-size
#   input otherwise rarely shows;
# - zoom in: a random crop whose overlap with some object is at least one of
#   these IoUs (or any crop), so large objects are seen in part;
# - a square warp, not keep_ratio: the default boxes are laid out on a fixed
#   input_size x input_size grid (300 here; a recipe at another size sets
#   the Resize scales, index 4 of the train pipeline and 1 of the test one);
# - a flip and photometric jitter.
# The names are prefixed so that this file can sit beside a dataset base in
# a _base_ list; coco_ssd.py and voc0712_ssd.py put the pipelines in place.
ssd_train_pipeline = [
    dict(type='LoadImageOrSkip', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Expand', mean=[123.675, 116.28, 103.53], to_rgb=True,
         ratio_range=(1, 4)),
    dict(type='MinIoURandomCrop', min_ious=(0.1, 0.3, 0.5, 0.7, 0.9),
         min_crop_size=0.3),
    dict(type='Resize', scale=(300, 300), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion', brightness_delta=32,
         contrast_range=(0.5, 1.5), saturation_range=(0.5, 1.5),
         hue_delta=18),
    dict(type='PackDetInputs')
]
ssd_test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='Resize', scale=(300, 300), keep_ratio=False),
    # After Resize: the ground truth stays in original-image coordinates.
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
