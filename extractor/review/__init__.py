"""Review of stored records: corrections as revisions beside the machine record, gold exports and agreement."""
from .corrections import (EDITABLE, REVIEW_RULE, Applied, Conflict, Correction, CorrectionError, apply, item_key,
                          rebase, span_key)
from .feedback import agreement, gold_line

__all__ = ["Correction", "CorrectionError", "Applied", "Conflict", "apply", "rebase", "item_key", "span_key",
           "EDITABLE", "REVIEW_RULE", "agreement", "gold_line"]
