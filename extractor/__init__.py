"""vnextract: structured records from Vietnamese public-sector and trade-union news.

>>> from extractor import extract
>>> record = extract("Ngày 28/7/2022, 2 tập thể, 5 cá nhân được UBND tỉnh tặng Bằng khen.")
>>> record.awards[0].recipients
7
"""
from .api import extract
from .errors import ExtractionError
from .options import ExtractOptions
from .record import SCHEMA_VERSION, Record
from .rulebook import load_rules

__version__ = "0.1.0"
__all__ = ["extract", "Record", "ExtractOptions", "ExtractionError", "load_rules", "SCHEMA_VERSION", "__version__"]
