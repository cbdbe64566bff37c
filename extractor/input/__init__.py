"""Turning what callers send (bytes, files, HTML) into the text that offsets point into."""
