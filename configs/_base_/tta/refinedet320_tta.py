# RefineDet320+: test-time augmentation through mmdet's DetTTAModel. Each
# image is run at several square sizes, each plain and flipped; the boxes are
# mapped back to the original image and merged by one more per-class NMS at
# RefineDet's 0.45. The paper's "+" numbers come from multi-scale testing in
# this spirit; the sizes are DetLab's choice (the paper does not list them):
# the training size, one below it and two above, because upscaling is what
# gives the small objects more cells of the stride-8 map.
# Use: `python tools/test.py CONFIG CKPT --tta`, which swaps model ->
# tta_model and the test pipeline -> tta_pipeline.
tta_scales = [256, 320, 416, 512]
tta_model = dict(
    type='DetTTAModel',
    tta_cfg=dict(nms=dict(type='nms', iou_threshold=0.45), max_per_img=200))
tta_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale=(s, s), keep_ratio=False)
             for s in tta_scales],
            [dict(type='RandomFlip', prob=1.),
             dict(type='RandomFlip', prob=0.)],
            [dict(type='LoadAnnotations', with_bbox=True)],
            [dict(type='PackDetInputs',
                  meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                             'scale_factor', 'flip', 'flip_direction'))],
        ])
]
