from . import backbones, dense_heads, detectors, losses, necks  # noqa: F401
