from .bf16_autocast_optim_wrapper import BF16AutocastOptimWrapper
from .channels_last_hook import ChannelsLastHook
from .fuse_conv_bn_hook import FuseConvBNHook
from .metrics_recorder_hook import MetricsRecorderHook

__all__ = ['BF16AutocastOptimWrapper', 'ChannelsLastHook',
           'FuseConvBNHook', 'MetricsRecorderHook']
