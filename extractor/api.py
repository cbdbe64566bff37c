"""extract(): the one entry point. Text, bytes, a path or a file in; a validated Record out."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Any

from .assemble import assemble
from .doc import Doc
from .errors import EmptyInput, InputTooLarge
from .input import HTML_SUFFIXES
from .input.decode import decode_bytes
from .input.html import html_to_article, looks_like_html
from .options import DEFAULT_OPTIONS, ExtractOptions
from .pipeline import run_pipeline
from .record import Record
from .rulebook import Rulebook, load_rules

Content = str | bytes | os.PathLike | IO[str] | IO[bytes]


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with every surrogate code point replaced by U+FFFD, one for one.

    A str from JSON ("\\udcff") or from bytes decoded with "surrogateescape" may hold lone
    surrogates: they are not characters, cannot be encoded as UTF-8, hashed, stored or sent
    back. Replacing each by U+FFFD keeps every index, so offsets into the caller's text stay
    exact; the record's `text` holds U+FFFD where the caller's held a surrogate.

    >>> without_surrogates("Ngày 1/1/2020 \\udcff")[-1] == "\\ufffd"
    True
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _read(content: Content, options: ExtractOptions) -> tuple[str, str | None, str, dict]:
    """(text, encoding, name, source) from whatever the caller passed."""
    source: dict[str, Any] = {}
    if isinstance(content, os.PathLike):
        path = Path(content)
        name = str(path)
        source["path"] = name
        size = path.stat().st_size
        if size > options.max_bytes:
            raise InputTooLarge(f"{name}: {size} bytes is over the limit of {options.max_bytes}")
        text, enc = decode_bytes(path.read_bytes(), name)
        return text, enc, name, source
    if hasattr(content, "read"):
        data = content.read(options.max_bytes + 1)
        name = getattr(content, "name", "<file>")
        source["path"] = str(name)
        if len(data) > options.max_bytes:
            raise InputTooLarge(f"{name}: over the limit of {options.max_bytes} bytes")
        content = data
    else:
        name = "<text>"
    if isinstance(content, bytes):
        if len(content) > options.max_bytes:
            raise InputTooLarge(f"{name}: {len(content)} bytes is over the limit of {options.max_bytes}")
        text, enc = decode_bytes(content, name)
        return text, enc, name, source
    return content, None, name, source


def extract(content: Content, *, source: dict | None = None, html: bool | None = None,
            options: ExtractOptions | None = None, rules: Rulebook | None = None) -> Record:
    """One article in, its record out (shared/spec/RECORD.md).

    `content` is the article as text, bytes, a path or an open file; HTML is recognised by
    its markup or a .html/.htm path (or forced with `html=`). Raises an `ExtractionError`
    subclass for empty, oversized, binary, undecodable or unparseable input, HTML nested too
    deep or with too many elements, and input that needs more work than its length allows.
    Lone surrogates in text are read as U+FFFD, one for one (`without_surrogates`), so
    offsets still index the caller's text; NUL and other control characters are kept.

    >>> extract("Ngày 28/7/2022, 2 tập thể được UBND tỉnh tặng Bằng khen.").dates[0].value
    '2022-07-28'
    """
    options = options or DEFAULT_OPTIONS
    rules = rules or load_rules()
    text, encoding, name, found_source = _read(content, options)
    text = without_surrogates(text)
    if not text or not text.strip():
        raise EmptyInput(f"{name}: the input is empty")
    if len(text) > options.max_chars:
        raise InputTooLarge(f"{name}: {len(text)} characters is over the limit of {options.max_chars}")
    is_html = html if html is not None else (name.lower().endswith(HTML_SUFFIXES) or looks_like_html(text))
    hints: dict[str, Any] = {}
    if is_html:
        article = html_to_article(text, name, max_depth=options.max_html_depth, max_elements=options.max_html_elements, rules=rules,
                                  max_attributes=options.max_html_attributes)
        text = _with_page_lines(article, rules)
        hints = {"title": article.title, "published_at": _iso_published(article.published), "authors": article.authors}
        found_source["format"] = "html"
    if options.published_at and not hints.get("published_at"):
        hints["published_at"] = options.published_at
    elif hints.get("published_at") and not options.published_at:
        # yearless dates of a page take their year from the page's own date
        options = options.model_copy(update={"published_at": hints["published_at"][:10]})
    doc = run_pipeline(Doc.from_text(text, rules, options))
    return assemble(doc, source={**found_source, **(source or {})}, encoding=encoding, hints=hints)


def _with_page_lines(article, rules: Rulebook) -> str:
    """The main text, with the page's dateline under the headline and its byline at the end.

    Main-text extractors drop both; putting the page's own lines back lets the layout step
    read them as it does for plain text, with offsets into the text the record returns.
    """
    from .layout import parse_byline, parse_dateline

    text = article.text
    head, _, rest = text.partition("\n")
    titled = bool(article.title) and head.strip() == article.title.strip()
    # the lead paragraph, when the extractor dropped it, goes under the headline (its first
    # 60 characters, spaces folded, tell whether the text holds it already)
    lead = article.lead
    if lead and " ".join(lead.split())[:60] not in " ".join(text.split()):
        text = f"{head}\n{lead}\n{rest}" if titled else f"{lead}\n{text}"
    dateline = next((d for d in article.date_lines if parse_dateline(d, rules) and d not in text), None)
    if dateline:
        head, _, rest = text.partition("\n")
        text = f"{head}\n{dateline}\n{rest}" if titled else f"{dateline}\n{text}"
    byline = next((b for b in article.byline_lines if parse_byline(b, rules, closing=True) and b not in text), None)
    if byline:
        text = f"{text.rstrip()}\n\n{byline}\n"
    return text


def _iso_published(value: str | None) -> str | None:
    """Page metadata dates as RECORD.md wants them: date only, or date-time in +07:00."""
    if not value:
        return None
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:10] if len(value) >= 10 else None
    if len(value) <= 10:
        return parsed.date().isoformat()
    vn = dt.timezone(dt.timedelta(hours=7))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=vn)
    return parsed.astimezone(vn).isoformat()
