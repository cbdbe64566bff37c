"""HTML to the article's plain text and the page's own metadata.

trafilatura finds the main text (it is the best-kept main-content extractor for news pages,
and reads <meta> title, date and author); selectolax is the fallback for pages where it finds
no main block. The text returned here is what the record's offsets point into.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ..errors import HtmlTooComplex, UnparseableHtml

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
    #: the lead paragraph (sapo) a theme sets apart from the content, which main-text
    #: extractors often drop
    lead: str | None = None
    #: the headline element a theme marks by its class ("News_Title", "article-title")
    headline: str | None = None


# "meta", "info": the line of many themes under the headline ("entry-meta", "post-info": date,
# counters); a marked line is used only when it reads as a dateline
_DATE_CLASS = regex.compile(r"date|time|posted|publish|ngay|meta|info", regex.IGNORECASE)
_AUTHOR_CLASS = regex.compile(r"author|byline|tacgia|tac-gia|writer", regex.IGNORECASE)
# the headline ("News_Title", "article-title", "ndtitle"), the lead paragraph ("detail-sapo",
# "brief") and the content block ("ndcontent", "detail-content"): the words of their class
# names are data (rules/chrome.yaml `page_classes`); a widget's heading ("Tin khác") is too
# short to be taken for the headline
@lru_cache(maxsize=8)
def _class_marks(rules) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern | None]:
    def words(items: list[str]) -> regex.Pattern | None:
        if not items:
            return None
        return regex.compile(r"(?<![a-z])(?:" + "|".join(regex.escape(w) for w in sorted(items, key=len, reverse=True))
                             + r")(?![a-z])", regex.IGNORECASE)

    c = rules.chrome.page_classes
    never = regex.compile(r"(?!)")
    return words(c.title) or never, words(c.lead) or never, words(c.content)


_HEADLINE_WORDS = (4, 60)


#: the marked content block replaces the extracted text when it holds less than this share of
#: its words (the extracted text holds the headline, lead and byline besides the content)
_CONTENT_SHARE = 0.6
#: a marked content block shorter than this (words) is a teaser, not the article
_CONTENT_MIN_WORDS = 40
_BLOCK_TAGS = frozenset("p div li tr td th h1 h2 h3 h4 h5 h6 table ul ol dl dt dd blockquote section article "
                        "header footer figure figcaption pre br hr".split())
_NO_TEXT_TAGS = frozenset(("script", "style", "noscript", "template"))


def _block_text(node) -> str:
    """The text of an element, one line per block (paragraph, list item, cell, <br>), inline
    elements kept inside their line; one pass over its nodes."""
    parts: list[str] = []
    last_parent = None
    for child in node.traverse(include_text=True):
        tag = child.tag
        if tag == "-text":
            parent = child.parent
            if parent is not None and parent.tag in _NO_TEXT_TAGS:
                continue  # a script's code or a style sheet is no text of the article
            # text straight inside a block after another block ("<div><p>a</p>tail</div>")
            # starts a line of its own
            if parent is not None and parent.tag in _BLOCK_TAGS and parent.mem_id != last_parent:
                parts.append("\n")
                last_parent = parent.mem_id
            parts.append(child.text_content)
        elif tag in _BLOCK_TAGS:
            parts.append("\n")
            last_parent = None
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _prefer_content(content: str, body: str) -> bool:
    """Whether the theme's marked content block is a better text than the extractor's: the
    extractor lost the paragraphs (the block's first one does not open a line of its text: a
    page laid out as one table puts the banner, menus, article, related list and footer on
    one line), or took much more than the block."""
    opening = content.split("\n", 1)[0][:60]
    at = body.find(opening)
    if at < 0:
        return False  # another text: the block marked is not the article the extractor found
    if at > 0 and body[at - 1] != "\n":
        return True
    return len(content.split()) < _CONTENT_SHARE * len(body.split())


def _marked_lines(html: str, rules) -> tuple[list[str], list[str], str | None, str | None, str | None]:
    """Texts of elements whose class or itemprop says date or author, the first lead, the
    first marked headline and the first marked content block (one line per paragraph)."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    title_class, lead_class, content_class = _class_marks(rules)
    tree = HTMLParser(html)
    dates, bylines, lead, headline, content = [], [], None, None, None
    tries = 0
    for node in tree.css("[class], [itemprop]"):
        if node.tag in ("html", "body", "meta", "script", "style"):
            continue
        marks = " ".join(filter(None, (node.attributes.get("class"), node.attributes.get("itemprop"))))
        if content is None and tries < 3 and content_class is not None and content_class.search(marks):
            # three tries at most: nested marked blocks would each be read through otherwise
            tries += 1
            block = _block_text(node)
            if len(block.split()) >= _CONTENT_MIN_WORDS:
                content = block
                continue
        text = node.text(separator=" ", strip=True)
        if lead is None and text and len(text) >= 40 and lead_class.search(marks):
            lead = text
            continue
        if headline is None and text and len(text) <= 300 and title_class.search(marks) \
                and _HEADLINE_WORDS[0] <= len(text.split()) <= _HEADLINE_WORDS[1]:
            headline = text
            continue
        if not text or len(text) > 100:
            continue
        if _AUTHOR_CLASS.search(marks):
            bylines.append(text)
        if _DATE_CLASS.search(marks):
            # "detail-author-time": the author and the dateline on one marked line
            dates.append(text)
    return dates, bylines, lead, headline, content


# <meta> tags are read tag by tag, attribute by attribute: one pattern spanning a tag's
# attributes ("<meta[^>]+name=...[^>]*content=...") backtracks over every attribute of a long
# tag and is quadratic in its length
_META_TAG = regex.compile(r"<meta[^>]*>", regex.IGNORECASE)
_ATTRIBUTE = regex.compile(r"""([^\s=<>"']+)\s*=\s*["']([^"']*)["']""")
_TIME_NAMES = frozenset(("article:published_time", "datepublished", "pubdate", "publishdate", "og:published_time"))
_AUTHOR_NAMES = frozenset(("author", "article:author", "dc.creator"))


def _meta_content(html: str, keys: tuple[str, ...], names: frozenset[str]) -> str | None:
    """The content of the first <meta> whose `keys` attribute (property, name, ...) is one of
    `names` (any case), from the last non-empty content attribute written after it."""
    for tag in _META_TAG.finditer(html):
        attributes = [(m.group(1).lower(), m.group(2)) for m in _ATTRIBUTE.finditer(tag.group())]
        contents = [i for i, (key, value) in enumerate(attributes) if key.endswith("content") and value]
        if contents and any(key in keys and value.lower() in names for key, value in attributes[:contents[-1]]):
            return attributes[contents[-1]][1]
    return None


# a tag or a comment opening; the scan jumps from one "<" to the next
_MARKUP = regex.compile(r"<(?:(!--)|(/?)([A-Za-z][A-Za-z0-9:\-]*))")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen basefont bgsound frame"
                  .split())
# elements whose text is not markup: their content is skipped to the matching end tag
_RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
# a start tag of these closes an open element of the same name (<p>a<p>b: two siblings)
_CLOSES_SAME = frozenset("p li dt dd tr td th option optgroup rb rt rp thead tbody tfoot".split())


def check_html_size(html: str, max_depth: int, max_elements: int, name: str = "<html>",
                    max_attributes: int = 200) -> tuple[int, int]:
    """(deepest nesting, elements) of a page, by one linear pass over its tags, before any
    parser builds a tree: refuses with HtmlTooComplex past any limit.

    Parsers take time and memory per element and per level (a page nested 100,000 deep holds
    a worker for minutes), and time quadratic in the attributes of one element (each is
    checked against the others), so the limits are checked on the markup itself: elements,
    depth, and attributes of an element (counted by their "="). The count follows
    the parser's main rules (void elements, end tags that close what is open, <p> and <li>
    closing their open namesake, script and comments skipped), close enough for a limit.

    >>> check_html_size("<div><p>a<p>b<br></div><!-- <div> -->", 10, 10)
    (2, 4)
    """
    open_tags: list[str] = []
    open_count: dict[str, int] = {}
    elements = deepest = 0
    lower: str | None = None
    pos, n = 0, len(html)
    search = _MARKUP.search

    def close_through(tag: str) -> None:
        while open_tags:
            top = open_tags.pop()
            open_count[top] -= 1
            if top == tag:
                return

    while pos < n:
        m = search(html, pos)
        if m is None:
            break
        if m.group(1):  # a comment: to its end
            end = html.find("-->", m.end())
            if end < 0:
                break
            pos = end + 3
            continue
        gt = html.find(">", m.end())
        if gt < 0:
            break
        pos = gt + 1
        tag = m.group(3).lower()
        if m.group(2):  # an end tag closes its element and whatever is open inside it
            if open_count.get(tag):
                close_through(tag)
            continue
        elements += 1
        if elements > max_elements:
            raise HtmlTooComplex(f"{name}: the page holds more than {max_elements} elements (max_html_elements)")
        if html.count("=", m.end(), gt) > max_attributes:
            raise HtmlTooComplex(f"{name}: an element <{tag}> carries more than {max_attributes} attributes "
                                 f"(max_html_attributes)")
        if tag in _VOID or html[gt - 1] == "/":
            continue
        if tag in _CLOSES_SAME and open_count.get(tag):
            close_through(tag)
        open_tags.append(tag)
        open_count[tag] = open_count.get(tag, 0) + 1
        if len(open_tags) > deepest:
            deepest = len(open_tags)
            if deepest > max_depth:
                raise HtmlTooComplex(f"{name}: the page nests elements more than {max_depth} deep (max_html_depth)")
        if tag in _RAW_TEXT:
            lower = lower if lower is not None else html.lower()
            end = lower.find("</" + tag, pos)
            if end < 0:
                break
            pos = end
    return deepest, elements


def html_to_article(html: str, name: str = "<html>", *, max_depth: int = 512, max_elements: int = 50_000,
                    max_attributes: int = 200, rules=None) -> HtmlArticle:
    """Main text and metadata of a saved page; raises UnparseableHtml when there is no text,
    HtmlTooComplex when the page is nested too deep or holds too many elements or attributes."""
    check_html_size(html, max_depth, max_elements, name, max_attributes)
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
    meta_time = _meta_content(html, ("property", "name", "itemprop"), _TIME_NAMES)
    if meta_time:
        published = meta_time
    meta_author = _meta_content(html, ("name", "property"), _AUTHOR_NAMES)
    if meta_author:  # the page's own author field, as written (trafilatura rewrites initials)
        authors = [meta_author.strip()]
    if rules is None:
        from ..rulebook import load_rules

        rules = load_rules()
    try:
        date_lines, byline_lines, lead, headline, content = _marked_lines(html, rules)
    except Exception:  # noqa: BLE001 - marked lines are a hint; the text stands without them
        date_lines, byline_lines, lead, headline, content = [], [], None, None, None
    marked = False
    if content and _prefer_content(content, body):
        body, marked = content, True
    if headline and (not title or marked or (title.isupper() and title != headline)):
        # a title in capitals from <title> or og:title is the site's banner ("CÔNG ĐOÀN
        # NGÀNH ..."); the element the theme marks as the headline is the article's
        title = headline
    text = body if not title or body.lstrip().startswith(title) else f"{title}\n\n{body}"
    return HtmlArticle(text=text, title=title, published=published, authors=authors,
                       date_lines=date_lines, byline_lines=byline_lines, lead=lead, headline=headline)
