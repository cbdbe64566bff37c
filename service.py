"""The vnextract HTTP service: `uvicorn service:app` (or `vnextract serve`); OpenAPI docs at /docs.

The app is assembled by `extractor.http` (configuration, problems, access, routes); this module
only makes the one instance servers import. The store is opened by the app's lifespan, not here.
"""
from extractor.http import MAX_BATCH, Settings, create_app

__all__ = ["MAX_BATCH", "Settings", "app", "create_app"]

app = create_app()
