from .metrics_recorder_hook import MetricsRecorderHook

__all__ = ['MetricsRecorderHook']
