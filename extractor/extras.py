"""Optional parts of the package and the extra that installs each: a missing one is named, not a traceback.

The base install extracts, runs the CLI, the service and the store. What only the benchmarks,
the underthesea baseline, the spaCy view or a Dask cluster use comes with an extra:
`pip install 'vnextract[bench]'`, `[spacy]`, `[cluster]`.
"""
from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""

    def __init__(self, module: str, extra: str, purpose: str):
        self.module, self.extra = module, extra
        super().__init__(f"{purpose} needs {module}, which is not installed: "
                         f"pip install 'vnextract[{extra}]'")


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import `module`, or raise `MissingExtra` naming `extra` and what needed it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        if e.name is not None and e.name != module and not module.startswith(e.name + "."):
            raise  # the package is there but broken: show the real error
        raise MissingExtra(module, extra, purpose) from e
