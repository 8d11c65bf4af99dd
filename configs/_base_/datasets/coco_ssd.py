# COCO 2017 (coco_detection.py) as the SSD and RefineDet recipes read it:
# SSD's augmentation (ssd_augmentation.py) into a 300x300 square, so there
# is one aspect ratio and nothing to group batches by.
_base_ = ['./coco_detection.py', './ssd_augmentation.py']
train_pipeline = _base_.ssd_train_pipeline
test_pipeline = _base_.ssd_test_pipeline
train_dataloader = dict(batch_sampler=None,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
