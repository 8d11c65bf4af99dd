
from .transfer_connection_block import TransferConnectionBlock  # noqa: F401
