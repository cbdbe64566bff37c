"""Text handling: normalisation on a copy, with the offset map back to the caller's text."""
