from .multibox_loss import MultiBoxLoss  # noqa: F401
from .stable_focal_loss import StableFocalLoss  # noqa: F401
