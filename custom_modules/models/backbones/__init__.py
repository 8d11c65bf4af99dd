from .norm_ssd_vgg import NormSSDVGG  # noqa: F401
from .refinedet_vgg import RefineDetVGG  # noqa: F401
