from .fold_batch_norm import fold_batch_norms  # noqa: F401
