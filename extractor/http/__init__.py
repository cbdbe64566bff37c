"""The HTTP service's parts; `service.py` at the top of the project only assembles them."""
from .app import create_app
from .bodies import MAX_BATCH
from .settings import Settings

__all__ = ["MAX_BATCH", "Settings", "create_app"]
