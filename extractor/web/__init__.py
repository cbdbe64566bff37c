"""The review pages, served by the API's app at / (`install_pages`)."""
from .pages import install_pages, router

__all__ = ["install_pages", "router"]
