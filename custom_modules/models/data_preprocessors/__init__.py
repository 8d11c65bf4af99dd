from .progressive_resize import ProgressiveResize  # noqa: F401
