# The embedded shapes dataset (shapes_detection.py) warped to a square, as
# SSD and RefineDet take their input: without keeping the ratio, because
# their default boxes are laid out on a fixed input_size x input_size grid
# (300 here; a config at another size sets the two Resize scales). A square
# input has one aspect ratio, so batches are not grouped by it.
_base_ = './shapes_detection.py'
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].update(scale=(300, 300), keep_ratio=False)
test_pipeline[1].update(scale=(300, 300), keep_ratio=False)
train_dataloader = dict(batch_sampler=None,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
