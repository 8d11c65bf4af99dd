"""Library code behind the command-line tools (tools/ only parses arguments
and calls these)."""
from ..errors import UserError

__all__ = ['UserError']
