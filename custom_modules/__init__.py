"""DetLab's registered components, loaded by configs through
``custom_imports = dict(imports=['custom_modules'])``.

Importing the package registers every dataset, model, hook and metric into
mmdet's registries, and installs the one compatibility shim the project needs
(see :mod:`custom_modules.compat.torch_load_allowlist`).
"""
from .compat import torch_load_allowlist

torch_load_allowlist.allow_mmengine_checkpoints()

from . import datasets, engine, evaluation, models  # noqa: E402,F401
