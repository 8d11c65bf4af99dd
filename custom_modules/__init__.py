"""DetLab's registered components, loaded by configs through
``custom_imports = dict(imports=['custom_modules'])``.

Importing the package registers every dataset, model, hook and metric into
mmdet's registries, and installs the one compatibility shim the project needs
(see :mod:`custom_modules.compat.torch_load_allowlist`).
"""
import warnings

from .compat import torch_load_allowlist

# mmengine 0.10 locates mmdet's own configs (the ``mmdet::`` bases that the
# model bases inherit) through pkg_resources, which setuptools >= 80 flags on
# every import. It is not the user's to act on, so it is not shown.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated',
                        category=UserWarning)

torch_load_allowlist.allow_mmengine_checkpoints()

from .apis.preflight import mmcv_ops_error  # noqa: E402

_ops_error = mmcv_ops_error()
if _ops_error is None:
    from . import datasets, engine, evaluation, models  # noqa: F401
# Otherwise mmdet itself cannot be imported. The package stays importable
# (registering nothing) so that every tool's first check,
# preflight.check_mmcv_ops, can say so in one line.
