
from .refinedet_vgg import RefineDetVGG  # noqa: F401
