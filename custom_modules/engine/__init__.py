from .bf16_autocast_optim_wrapper import BF16AutocastOptimWrapper
from .metrics_recorder_hook import MetricsRecorderHook

__all__ = ['BF16AutocastOptimWrapper', 'MetricsRecorderHook']
