
from .refinedet import RefineDet  # noqa: F401
