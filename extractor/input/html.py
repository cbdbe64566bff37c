"""HTML to the article's plain text and the page's own metadata.

trafilatura finds the main text (it is the best-kept main-content extractor for news pages,
and reads <meta> title, date and author); selectolax is the fallback for pages where it finds
no main block. The text returned here is what the record's offsets point into.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from ..errors import UnparseableHtml

_TAG = regex.compile(r"<\s*(html|body|div|p|head|title|meta|article|span|br|h1)\b", regex.IGNORECASE)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or len(_TAG.findall(text[:5000])) >= 3


@dataclass
class HtmlArticle:
    text: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    #: text of page elements marked as date or byline (class/itemprop), for the layout step
    date_lines: list[str] = field(default_factory=list)
    byline_lines: list[str] = field(default_factory=list)


_DATE_CLASS = regex.compile(r"date|time|posted|publish|ngay", regex.IGNORECASE)
_AUTHOR_CLASS = regex.compile(r"author|byline|tacgia|tac-gia|writer", regex.IGNORECASE)


def _marked_lines(html: str) -> tuple[list[str], list[str]]:
    """Texts of elements whose class or itemprop says date or author."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    dates, bylines = [], []
    for node in tree.css("[class], [itemprop]"):
        if node.tag in ("html", "body", "meta", "script", "style"):
            continue
        marks = " ".join(filter(None, (node.attributes.get("class"), node.attributes.get("itemprop"))))
        text = node.text(separator=" ", strip=True)
        if not text or len(text) > 100:
            continue
        if _AUTHOR_CLASS.search(marks):
            bylines.append(text)
        elif _DATE_CLASS.search(marks):
            dates.append(text)
    return dates, bylines


_META_TIME = regex.compile(
    r"<meta[^>]+(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|datePublished|pubdate|publishdate|og:published_time)[\"'][^>]*content\s*=\s*[\"']([^\"']+)[\"']",
    regex.IGNORECASE)


_META_AUTHOR = regex.compile(
    r"<meta[^>]+(?:name|property)\s*=\s*[\"'](?:author|article:author|dc.creator)[\"'][^>]*content\s*=\s*[\"']([^\"']+)[\"']",
    regex.IGNORECASE)


def html_to_article(html: str, name: str = "<html>") -> HtmlArticle:
    """Main text and metadata of a saved page; raises UnparseableHtml when there is no text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=True, favor_precision=False, output_format="python")
    except Exception as e:  # trafilatura raises many lxml errors on broken markup
        doc = None
        error = e
    else:
        error = None
    body = None
    title = published = None
    authors: list[str] = []
    if doc is not None:
        get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
        body = get("text")
        title = get("title")
        published = get("date")
        author = get("author")
        if author:
            authors = [a.strip() for a in regex.split(r"[;,]", author) if a.strip()]
    if not body:
        try:
            from selectolax.lexbor import LexborHTMLParser as HTMLParser

            tree = HTMLParser(html)
            for bad in tree.css("script, style, nav, header, footer, form, noscript"):
                bad.decompose()
            node = tree.css_first("article") or tree.body
            body = node.text(separator="\n", strip=True) if node else None
            if not title and tree.css_first("title"):
                title = tree.css_first("title").text(strip=True)
        except Exception as e:  # noqa: BLE001 - any parser failure is an unparseable page
            raise UnparseableHtml(f"{name}: the HTML could not be parsed ({e or error})") from e
    if not body or not body.strip():
        raise UnparseableHtml(f"{name}: the page has no article text")
    m = _META_TIME.search(html)
    if m:
        published = m.group(1)
    m = _META_AUTHOR.search(html)
    if m:  # the page's own author field, as written (trafilatura rewrites initials)
        authors = [m.group(1).strip()]
    try:
        date_lines, byline_lines = _marked_lines(html)
    except Exception:  # noqa: BLE001 - marked lines are a hint; the text stands without them
        date_lines, byline_lines = [], []
    text = body if not title or body.lstrip().startswith(title) else f"{title}\n\n{body}"
    return HtmlArticle(text=text, title=title, published=published, authors=authors,
                       date_lines=date_lines, byline_lines=byline_lines)
