"""Adversarial inputs: shapes that once made extraction super-linear, generated at any size.

Each shape repeats a short unit up to the requested size in UTF-8 bytes. `vnextract bench
--adversarial` times extract() on each at 10 KB, 100 KB and 1 MB (CPU time per KB: linear code
gives the same figure at every size), and tests/test_adversarial.py runs each at 1 MB under the
work budget, so a step that turns quadratic again fails CI instead of holding a worker.
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ExtractionError

_INITIALS = ["B", "C", "D", "Đ", "G", "H", "Kh", "L", "M", "N", "Ng", "Nh", "Ph", "Qu", "S", "T", "Th", "Tr", "V", "X"]
_RHYMES = ["a", "an", "anh", "ao", "inh", "ương", "ung", "iên", "oa", "ơn", "ai", "ấn", "ùng", "ọc", "iếu"]
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]


def _syllables() -> list[str]:
    """Capitalised Vietnamese-like syllables, many distinct ones (given names, words)."""
    return [i + r for i, r in itertools.product(_INITIALS, _RHYMES)]


def _repeat(unit: Callable[[int], str], size: int) -> str:
    """`unit(0) + unit(1) + ...` until the UTF-8 size reaches `size` bytes."""
    parts, total = [], 0
    for k in itertools.count():
        u = unit(k)
        parts.append(u)
        total += len(u.encode("utf-8"))
        if total >= size:
            return "".join(parts)
    raise AssertionError("unreachable")


def _cycle(text: str) -> Callable[[int], str]:
    return lambda _k: text


_SYL = _syllables()


def _article(k: int) -> str:
    g, h = _SYL[k % len(_SYL)], _SYL[(k * 7 + 3) % len(_SYL)]
    d, m = k % 28 + 1, k % 12 + 1
    return (f"Ngày {d}/{m}/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị tổng kết công tác năm. "
            f"Về dự có đồng chí {_SURNAMES[k % 10]} Văn {g} - Phó Chủ tịch Liên đoàn Lao động tỉnh và bà "
            f"{_SURNAMES[(k + 3) % 10]} Thị {h}, Trưởng ban Tổ chức. Thực hiện Nghị quyết số {k % 90 + 1}/NQ-CĐVC "
            f"ngày {d}/{m}/2021 của Ban Chấp hành về công tác thi đua, dịp này {k % 9 + 1} tập thể, {k % 7 + 2} "
            f"cá nhân được UBND tỉnh tặng Bằng khen; {k % 5 + 1} tập thể được Công đoàn Viên chức Việt Nam tặng "
            f"Cờ thi đua. Hội nghị diễn ra tại thành phố Hải Dương từ ngày 23/11 đến ngày 25/11/2021.\n")


def _name_list(k: int) -> str:
    return f"ông {_SURNAMES[k % 10]} Văn {_SYL[k % len(_SYL)]}, bà {_SURNAMES[(k + 5) % 10]} Thị {_SYL[(k * 11 + 5) % len(_SYL)]}, "


def _titled_people(k: int) -> str:
    return f"đồng chí {_SURNAMES[k % 10]} Văn {_SYL[k % len(_SYL)]}, Chủ tịch Công đoàn Cơ sở Trường {_SYL[(k * 3) % len(_SYL)]} "


def _organisations(k: int) -> str:
    a, b = _SYL[k % len(_SYL)], _SYL[(k // len(_SYL)) % len(_SYL)]
    return f"Công ty {a} {b}, Công đoàn Công ty {a}, "


def _documents(k: int) -> str:
    return (f"Nghị quyết số {k % 99 + 1}/NQ-CĐVC, Quyết định số {k % 999 + 1}/QĐ-UBND ngày {k % 28 + 1}/{k % 12 + 1}/2020 "
            f"của UBND tỉnh, Chỉ thị {k % 50 + 1}-CT/TW, Công văn số {k % 500 + 1}/LĐLĐ-TC, ")


def _cap_words(k: int) -> str:
    return _SYL[k % len(_SYL)] + " "


@dataclass(frozen=True)
class Shape:
    name: str
    make: Callable[[int], str]  # size in bytes -> text
    html: bool = False
    what: str = ""


SHAPES: tuple[Shape, ...] = (
    Shape("plain_article", lambda n: _repeat(_article, n), what="article paragraphs, every family"),
    Shape("honorific_names", lambda n: _repeat(_cycle("ông Nguyễn Văn "), n), what='"ông Nguyễn Văn " repeated'),
    Shape("surname_pairs", lambda n: _repeat(_cycle("Nguyễn Văn "), n), what='"Nguyễn Văn " repeated'),
    Shape("capitalised_words", lambda n: _repeat(_cap_words, n), what="one run of capitalised words"),
    Shape("heads_level_surnames", lambda n: _repeat(_cycle("UBND Tỉnh Nguyễn Văn "), n),
          what="organisation heads, level words and surnames, all capitalised"),
    Shape("name_list", lambda n: _repeat(_name_list, n), what="a list of distinct names on one line"),
    Shape("titled_people", lambda n: _repeat(_titled_people, n), what="people with titles, one line, no stop"),
    Shape("organisation_list", lambda n: _repeat(_organisations, n), what="distinct organisations"),
    Shape("slashes", lambda n: _repeat(_cycle("1/"), n), what='"1/" repeated'),
    Shape("day_month_dashes", lambda n: _repeat(_cycle("1/1-"), n), what='"1/1-" repeated'),
    Shape("yearless_dates", lambda n: _repeat(lambda k: f"ngày {k % 28 + 1}/{k % 12 + 1} và {k % 27 + 1}/{k % 11 + 1}, ", n),
          what="yearless dates in one sentence, no dateline"),
    Shape("full_dates", lambda n: _repeat(lambda k: f"ngày {k % 28 + 1}/{k % 12 + 1}/{2000 + k % 25}, ", n),
          what="thousands of full dates"),
    Shape("document_numbers", lambda n: _repeat(_documents, n), what="thousands of document numbers"),
    Shape("bare_refs_in_chrome", lambda n: _repeat(_cycle("Xem Chỉ thị\n"), n),
          what="a bare type word ending every repeated (chrome) line"),
    Shape("award_sentences", lambda n: _repeat(
        lambda k: f"{k % 9 + 1} tập thể, {k % 7 + 1} cá nhân được UBND tỉnh tặng Bằng khen. ", n),
          what="award sentences on one line"),
    Shape("award_clause", lambda n: _repeat(
        lambda k: f"{k % 9 + 1} tập thể được UBND tỉnh tặng Bằng khen, {k % 7 + 1} cá nhân được tặng Giấy khen, ", n),
          what="award conferrals in one long sentence"),
    Shape("award_first_sentences", lambda n: _repeat(
        lambda k: f"Bằng khen của UBND tỉnh được trao tặng cho {k % 9 + 1} tập thể. ", n),
          what="sentences that start with the award, one line"),
    # the clause grammar of issue 13: long award runs, certificate counts, titled commendations
    Shape("award_run", lambda n: "5 cá nhân được tặng " + _repeat(_cycle("Bằng khen, "), n),
          what="one count, then thousands of awards joined by commas"),
    Shape("giver_award_run", lambda n: "UBND tỉnh tặng " + _repeat(_cycle("Bằng khen, "), n) + "cho 5 tập thể.",
          what="a giver, thousands of awards, then one count"),
    Shape("certificate_counts", lambda n: _repeat(
        lambda k: f"Chủ tịch UBND tỉnh trao {k % 90 + 1} Kỷ niệm chương, {k % 9 + 1} bằng khen tập thể, ", n),
          what="counted certificates and decorations in one sentence"),
    Shape("titled_commendations", lambda n: _repeat(lambda k: f'Bộ Y tế vinh danh {k % 90 + 1} "Thầy thuốc tiêu biểu", ', n),
          what="counts of named titles in one sentence"),
    Shape("headline_award", lambda n: "10 tập thể nhận Bằng khen\n\n" + _repeat(_cycle("Bằng khen, "), n),
          what="a headline conferral over a body of its award with no giver"),
    Shape("place_lists", lambda n: _repeat(lambda k: f"các huyện {_SYL[k % len(_SYL)]}, {_SYL[(k + 1) % len(_SYL)]} và "
                                                     f"xã {_SYL[(k + 2) % len(_SYL)]}, tỉnh Cao Bằng, ", n),
          what="level words followed by lists of place names"),
    Shape("bare_heads_list", lambda n: _repeat(_cycle("HĐND, UBND, MTTQ, "), n), what="abbreviated heads listed without a level"),
    Shape("short_lines", lambda n: _repeat(lambda k: f"Tin số {k} ngày {k % 28 + 1}/{k % 12 + 1}\n", n),
          what="many short distinct lines"),
    Shape("glued_page", lambda n: "Trang chủ Tin tức Thời sự Ký kết thỏa ước lao động tập thể tại Công ty May Tân Hòa"
          "Thứ Hai, 11/9/2023 - 09:15" + _repeat(lambda k: f"Sáng {k % 28 + 1}/9, {k % 90 + 1} công nhân nhận quà. ", n)
          + "Minh An Tin cùng chuyên mục Tân Hòa: Đối thoại (05/09/2023)",
          what="a page whose line breaks were lost: menu, headline, dateline, body and related list on one line"),
    Shape("lowercase_line", lambda n: _repeat(_cycle("cán bộ công đoàn cơ sở tham gia "), n), what="one long line of common words"),
    Shape("stacked_marks", lambda n: "a" + _repeat(_cycle("\u0301\u0323"), n - 1), what="one letter under a run of combining marks"),
    Shape("control_characters", lambda n: _repeat(lambda k: f"Ngày\x00{k % 28 + 1}/3/2020\x01 họp\x07\x1b tại\x7f Hà Nội. ", n),
          what="NUL and other control characters among words"),
    Shape("html_nested", lambda n: _repeat(_cycle("<div>"), n // 2) + "Ngày 1/1/2020 họp." + "</div>" * (n // 10),
          html=True, what="elements nested ever deeper"),
    Shape("html_many_tags", lambda n: "<html><body>" + _repeat(_cycle("<b>a</b>"), n) + "</body></html>",
          html=True, what="a flat page of many small elements"),
    Shape("html_long_tag", lambda n: "<html><head><meta " + _repeat(lambda k: f"name='pubdate' data-{k}='x' ", n)
          + "></head><body><article><p>" + _article(0) + "</p></article></body></html>", html=True,
          what="one tag with a great many attributes"),
    Shape("html_many_attributes", lambda n: "<html><body><article>" + _repeat(
        lambda k: "<p " + " ".join(f"data-{i}='{i}'" for i in range(150)) + f">{_article(k)}</p>", n)
          + "</article></body></html>", html=True, what="elements with 150 attributes each"),
    Shape("html_paragraphs", lambda n: "<html><body><article>" + _repeat(lambda k: f"<p>{_article(k)}</p>", n)
          + "</article></body></html>", html=True, what="a page of article paragraphs"),
)

SIZES = (10_000, 100_000, 1_000_000)


def shape(name: str) -> Shape:
    return next(s for s in SHAPES if s.name == name)


def measure(s: Shape, size: int, *, min_seconds: float = 0.3) -> tuple[float, str]:
    """(CPU milliseconds per KB, outcome) of extract() on `s` at `size` bytes; small inputs are
    run repeatedly for at least `min_seconds` of CPU so the figure is steady."""
    from .api import extract

    text = s.make(size)
    extract("Ngày 1/1/2020, họp.")  # warm-up: rules compiled, automata built, parsers imported
    extract("<html><body><p>Ngày 1/1/2020, hội nghị tổng kết.</p></body></html>", html=True)
    runs, outcome = 0, "ok"
    start = time.process_time()
    while True:
        try:
            extract(text, html=s.html)
        except ExtractionError as e:
            outcome = type(e).__name__
        runs += 1
        spent = time.process_time() - start
        if spent >= min_seconds or size >= 1_000_000:
            return spent * 1000 / runs / (size / 1000), outcome


def measure_shape(s: Shape, sizes: tuple[int, ...] = SIZES) -> tuple[str, list[str], str, str]:
    """(name, ms/KB per size, ratio of the largest to the smallest, outcomes) for the table."""
    figures, outcomes = [], []
    for size in sizes:
        ms, outcome = measure(s, size)
        figures.append(ms)
        outcomes.append(outcome)
    ratio = figures[-1] / figures[0] if figures[0] else float("inf")
    outcome = "ok" if set(outcomes) == {"ok"} else " / ".join(outcomes)
    return s.name, [f"{f:.2f}" for f in figures], f"{ratio:.2f}", outcome


def format_row(name: str, cells: list[str], ratio: str, outcome: str) -> str:
    return f"{name:<22}" + "".join(f"{c:>9}" for c in cells) + f"{ratio:>10}  {outcome}"
