"""Turning what callers send (bytes, files, HTML) into the text that offsets point into."""

#: File endings of saved HTML pages, and of article files in general.
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (".txt", *HTML_SUFFIXES)
