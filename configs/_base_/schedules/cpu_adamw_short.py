# The CPU schedule of the embedded configs: iteration-based so that a run's
# length is a time budget, AdamW because from a random init it converges in a
# few hundred steps where SGD at the published lr does not start (measured:
# SGD lr 0.01, 400 iters -> no detection above 0.05 on val), a short linear
# warm-up and a cosine decay to 5% of the peak lr.
max_iters = 400
val_interval = 100
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    # Norm and bias parameters are not decayed: weight decay on BN scales
    # fights the normalisation that makes training from scratch work.
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0),
    clip_grad=dict(max_norm=10.0, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=40),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=40, end=max_iters,
         T_max=max_iters - 40, eta_min_ratio=0.05)
]
auto_scale_lr = dict(enable=False, base_batch_size=8)
