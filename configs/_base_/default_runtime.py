# Runtime shared by every DetLab config: mmdet's registries as the default
# scope, DetLab's plugins loaded through custom_imports, and hooks that keep
# checkpoints and machine-readable metrics in the work dir. Checkpoints are
# written atomically, SIGTERM/SIGINT save the current iteration before the
# run exits, and a NaN/Inf loss stops the run before anything diverged is
# saved (docs/reliability.md). They are default_hooks, so a config's own
# custom_hooks list cannot drop them by accident; bound the gradient norm
# too with --cfg-options default_hooks.nan_guard.max_grad_norm=1000, or
# turn a hook off with default_hooks.interrupt_save=None.
default_scope = 'mmdet'
custom_imports = dict(imports=['custom_modules'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='AtomicCheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='DetVisualizationHook'),
    nan_guard=dict(type='NaNGuardHook', max_grad_norm=None),
    interrupt_save=dict(type='InterruptSaveHook'))
custom_hooks = [dict(type='MetricsRecorderHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # nccl on GPUs; tools/train.py switches to gloo when no GPU is present.
    dist_cfg=dict(backend='nccl'))

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='DetLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=20, by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
# deterministic=True makes a resumed run end at the same weights as an
# uninterrupted one (tests/tools/test_train_faults.py), at some speed cost.
randomness = dict(seed=0, deterministic=False)
