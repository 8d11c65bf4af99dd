from .norm_ssd_vgg import NormSSDVGG  # noqa: F401
from .refinedet_vgg import RefineDetVGG  # noqa: F401
from .refinedet_resnet import RefineDetResNet  # noqa: F401
