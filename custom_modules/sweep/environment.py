"""What a result was measured on: machine and library versions.

A number in docs/ without its machine and versions cannot be checked or
compared, so every run records this next to its overrides (in run.json) and
the rendered tables quote it.
"""
import os
import platform
from importlib import metadata
from typing import Dict, Optional

PACKAGES = ('torch', 'mmdet', 'mmcv', 'mmengine')


def _version(package: str) -> Optional[str]:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, which a cgroup or
    ``taskset`` narrows), not the machine's total."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def gpu_names() -> list:
    try:
        import torch
        if torch.cuda.is_available():
            return [torch.cuda.get_device_name(i)
                    for i in range(torch.cuda.device_count())]
    except ImportError:
        pass
    return []


def describe_environment() -> Dict[str, object]:
    return dict(
        platform=platform.platform(),
        processor=platform.processor() or platform.machine(),
        python=platform.python_version(),
        cpu_count=cpu_count(),
        gpus=gpu_names(),
        **{p: _version(p) for p in PACKAGES})
