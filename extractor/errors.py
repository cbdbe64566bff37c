"""Typed errors with stable codes; the service maps each code to an HTTP status in one table."""
from __future__ import annotations


class ExtractionError(Exception):
    """Base of every error `extract()` raises on bad input."""

    code = "E000"
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EmptyInput(ExtractionError):
    code = "E001"
    status = 422


class InputTooLarge(ExtractionError):
    code = "E002"
    status = 413


class UndecodableInput(ExtractionError):
    code = "E003"
    status = 415


class UnparseableHtml(ExtractionError):
    code = "E004"
    status = 422


class BinaryInput(ExtractionError):
    code = "E005"
    status = 415


class HtmlTooComplex(ExtractionError):
    """A page nested deeper, or holding more elements or attributes, than the limits
    (ExtractOptions max_html_depth, max_html_elements, max_html_attributes); checked by a
    linear scan before any parser runs."""

    code = "E006"
    status = 422


class WorkLimitExceeded(ExtractionError):
    """Extraction spent more work units than its budget (proportional to the text's length):
    a step has gone super-linear on this input. Deterministic: the same input always trips it."""

    code = "E007"
    status = 422


class TimeLimitExceeded(ExtractionError):
    """Extraction used more CPU time than ExtractOptions.max_cpu_seconds allows."""

    code = "E008"
    status = 503
