from .atomic_checkpoint_hook import AtomicCheckpointHook
from .bf16_autocast_optim_wrapper import BF16AutocastOptimWrapper
from .channels_last_hook import ChannelsLastHook
from .fuse_conv_bn_hook import FuseConvBNHook
from .interrupt_save_hook import InterruptSaveHook
from .metrics_recorder_hook import MetricsRecorderHook
from .nan_guard_hook import NaNGuardHook

__all__ = ['AtomicCheckpointHook', 'BF16AutocastOptimWrapper',
           'ChannelsLastHook', 'FuseConvBNHook', 'InterruptSaveHook',
           'MetricsRecorderHook', 'NaNGuardHook']
