"""Bulk runs over archives: `vnextract batch INPUT... --out TARGET` (docs/batch.md)."""
from .progress import Tally
from .runner import BatchSettings, run_batch

__all__ = ["BatchSettings", "Tally", "run_batch"]
