# The 20-minute fp32 recipe plus two sample-efficiency levers, each a
# setting of mmdet's own components:
# - an exponential moving average of the weights (mmdet's EMAHook with
#   ExpMomentumEMA), evaluated in place of the raw weights: from scratch at
#   a high learning rate the raw weights jitter from step to step, and their
#   average sits nearer the bottom of the valley the noise is bouncing in;
# - the GIoU box loss on decoded boxes instead of L1 on offsets: it scores
#   the box as the metric does (overlap, scale-free), so a 6 px error costs
#   a small object as much as it costs AP.
_base_ = './retinanet_r50_fpn_fp32_20min.py'
custom_hooks = [
    dict(type='MetricsRecorderHook'),
    dict(type='ChannelsLastHook'),
    # momentum 0.004: the average spans the last ~250 of 1200 steps;
    # gamma 100: it follows the raw weights closely in the first hundreds.
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.004,
         gamma=100, update_buffers=True, priority=49),
]
model = dict(bbox_head=dict(
    reg_decoded_bbox=True,
    loss_bbox=dict(type='GIoULoss', loss_weight=2.0)))
