"""The worked examples in the library's docstrings run, so they cannot drift from the code."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "extractor", "extractor.api", "extractor.pipeline", "extractor.layout.dateline", "extractor.layout.byline", "extractor.numbers",
    "extractor.text.normalize", "extractor.input.decode", "extractor.resolve.names", "extractor.resolve.documents",
    "extractor.patterns", "extractor.spacy_doc", "extractor.store.identity",
    "extractor.extractors.dates", "extractor.extractors.documents", "extractor.extractors.awards",
    "extractor.extractors.organizations", "extractor.extractors.people", "extractor.extractors.locations",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no worked example"
    assert result.failed == 0
