from . import (backbones, data_preprocessors, dense_heads, detectors,  # noqa: F401
               losses, necks)
