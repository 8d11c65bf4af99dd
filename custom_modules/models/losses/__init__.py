
from .multibox_loss import MultiBoxLoss  # noqa: F401
