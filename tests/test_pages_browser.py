"""The review pages in a real browser: Debian's Chromium driven by Playwright, against a real
uvicorn on a free loopback port with a SQLite store of its own.

Chromium is launched by its path and never downloaded (`playwright install` is not used); where
it is missing these tests skip, saying so, except under CI, where they fail. With
VNEXTRACT_SCREENSHOTS=DIR they also write the README's screenshots (search.png, article.png) there.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract
from extractor.cli import app as cli
from extractor.store import open_store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KEY = "browser-key"
TRUE_GIVER = "Ủy ban nhân dân tỉnh Hải Dương"
# NFD, with characters outside the BMP before and between the mentions: a page that counted
# UTF-16 units, or normalised the text, would put every highlight after them in the wrong place
NFD_ARTICLE = unicodedata.normalize("NFD", (
    "Hải Dương: tổng kết phong trào thi đua 😀\n08:43 08-08-22\n\n"
    "😀 Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị tổng kết. 😊 Thực hiện Nghị quyết số "
    "09/NQ-CĐVC ngày 03/8/2017 của Ban Chấp hành Công đoàn Viên chức Việt Nam, 2 tập thể, 5 cá nhân được "
    "Công đoàn Viên chức Việt Nam tặng Bằng khen. 𝐓𝐢𝐧 𝐧ổ𝐢 𝐛ậ𝐭: đồng chí Nguyễn Thị Thanh Bình, Chủ tịch "
    "Công đoàn Viên chức tỉnh, phát biểu tại buổi lễ."))
HOSTILE = ('Ngày 28/7/2022, <script>window.__pwned = 1; alert("x")</script> Công đoàn Viên chức tỉnh Hải Dương '
           '<img src=x onerror="window.__pwned = 2"> tổ chức hội nghị "\'><svg onload="window.__pwned = 3">.')


def _require_chromium() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A running service over a store holding the corpus, an NFD article and a hostile one."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("pages")
    db = f"sqlite:///{folder / 'pages.sqlite'}"
    ids = {}
    with open_store(db) as store:
        for path in sorted(p for p in (ROOT / "corpus" / "articles").iterdir() if p.suffix in (".txt", ".html")):
            store.put(extract(path))
        for name, text in (("nfd", NFD_ARTICLE), ("hostile", HOSTILE)):
            record = extract(text)
            store.put(record)
            ids[name] = record.id
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db, "VNEXTRACT_API_KEYS": KEY, "VNEXTRACT_EXTRACT_PROCESSES": "0"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "service:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the service did not start")
            time.sleep(0.2)
        yield {"base": base, "db": db, "ids": ids}
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


def _api(site, path: str):
    with urllib.request.urlopen(site["base"] + path, timeout=10) as response:
        return json.load(response)


def _sign_in(page, site) -> None:
    page.goto(f"{site['base']}/login?next=/")
    page.fill("#reviewer", "Lan")
    page.fill("#key", KEY)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{site['base']}/")


#: For every focusable mark: its offsets as the browser finds them (code points of the text before
#: it and of its fragments), its data attributes, and the text of all its fragments.
_MARKS_JS = """() => {
  const box = document.getElementById("article-text");
  return Array.from(box.querySelectorAll("mark[tabindex]")).map((first) => {
    const fragments = Array.from(box.querySelectorAll('mark[data-m="' + first.dataset.m + '"]'));
    const before = document.createRange();
    before.setStart(box, 0);
    before.setEndBefore(first);
    const text = fragments.map((f) => f.textContent).join("");
    const start = Array.from(before.toString()).length;
    return {id: first.dataset.m, start: start, end: start + Array.from(text).length, text: text,
            dataStart: +first.dataset.start, dataEnd: +first.dataset.end, label: first.getAttribute("aria-label")};
  });
}"""


def test_search_by_document_and_highlights_of_an_nfd_article(page, site):
    page.goto(f"{site['base']}/?document=9/NQ-CDVC")
    count = page.inner_text("#result-count")
    assert count.split()[0].isdigit() and int(count.split()[0]) >= 2
    if os.environ.get("VNEXTRACT_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["VNEXTRACT_SCREENSHOTS"]) / "search.png"))
    page.click(f"a[href='/articles/{site['ids']['nfd']}']")
    record = _api(site, f"/v1/articles/{site['ids']['nfd']}")
    text = record["text"]
    assert text == NFD_ARTICLE
    assert page.eval_on_selector("#article-text", "e => e.textContent") == text
    marks = page.evaluate(_MARKS_JS)
    assert len(marks) == sum(len(e["mentions"]) for f in ("people", "organizations", "locations", "documents")
                             for e in record[f]) + len(record["dates"]) + len(record["awards"])
    for mark in marks:
        assert mark["text"] == text[mark["start"]:mark["end"]], mark
        assert (mark["start"], mark["end"]) == (mark["dataStart"], mark["dataEnd"]), mark
        assert mark["label"]  # what a screen reader says
    # the test would catch UTF-16 counting: most marks sit after characters outside the BMP
    assert sum(len(text[:m["start"]].encode("utf-16-le")) // 2 != m["start"] for m in marks) >= 3


def test_correct_a_giver_see_the_revision_and_export_it_as_gold(page, site, tmp_path):
    _sign_in(page, site)
    article = site["ids"]["nfd"]
    page.goto(f"{site['base']}/articles/{article}")
    page.focus('mark[data-m="awards-0"]')
    page.keyboard.press("e")  # edit the focused mention's item
    giver = page.locator("#ed-awards-0-giver")
    assert giver.is_visible()
    giver.fill(TRUE_GIVER)
    page.click("#edit-awards-0 button[type=submit]")
    page.wait_for_url(f"**/articles/{article}?saved=1*")
    assert "Revision 1 saved" in page.inner_text("main")
    revisions = page.inner_text("#revisions")
    assert "set awards" in revisions and TRUE_GIVER in revisions and "by Lan" in revisions
    assert "corrected" in page.inner_text("#review-status")
    if os.environ.get("VNEXTRACT_SCREENSHOTS"):
        page.focus('mark[data-m="awards-0"]')
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(os.environ["VNEXTRACT_SCREENSHOTS"]) / "article.png"))
    assert _api(site, f"/v1/articles/{article}/machine")["awards"][0]["giver"] != TRUE_GIVER
    gold, texts = tmp_path / "gold.jsonl", tmp_path / "texts"
    exported = CliRunner().invoke(cli, ["export-gold", "--out", str(gold), "--texts", str(texts), "--db", site["db"]])
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [a["giver"] for g in lines if g["id"] == article for a in g["awards"]] == [TRUE_GIVER]
    # and `vnextract eval` over the exported gold counts the machine's wrong giver
    evaluated = CliRunner().invoke(cli, ["eval", str(gold), str(texts), "--json", str(tmp_path / "figures.json")])
    assert evaluated.exit_code == 0, evaluated.output
    figures = json.loads((tmp_path / "figures.json").read_text())["vnextract"]
    assert figures["awards+giver"]["fn"] >= 1 and figures["awards+giver"]["fp"] >= 1


def test_accept_and_remove_by_keyboard(page, site):
    _sign_in(page, site)
    article = site["ids"]["hostile"]
    page.goto(f"{site['base']}/articles/{article}")
    page.keyboard.press("a")  # accept the record
    page.wait_for_url(f"**/articles/{article}?saved=1*")
    assert "accepted" in page.inner_text("#review-status")
    page.keyboard.press("j")
    focused = page.evaluate("[document.activeElement.dataset.start, document.activeElement.dataset.end]")
    page.keyboard.press("x")  # remove the focused mention
    page.wait_for_url(f"**/articles/{article}?saved=2*")
    assert "corrected" in page.inner_text("#review-status")
    reviewed, machine = _api(site, f"/v1/articles/{article}"), _api(site, f"/v1/articles/{article}/machine")

    def spans(record):
        return {(m["start"], m["end"]) for f in ("people", "organizations", "locations", "documents")
                for e in record[f] for m in e["mentions"]} | {(i["start"], i["end"]) for f in ("dates", "awards")
                                                               for i in record[f]}

    assert spans(machine) - spans(reviewed) == {tuple(int(v) for v in focused)}


def test_add_a_missed_mention_by_selecting_nfd_text(page, site):
    _sign_in(page, site)
    article = site["ids"]["nfd"]
    page.goto(f"{site['base']}/articles/{article}")
    phrase = unicodedata.normalize("NFD", "buổi lễ")
    start = NFD_ARTICLE.index(phrase)
    # select the phrase the way a reader does, by DOM positions; the page must find code points
    page.evaluate("""([start, length]) => {
      const box = document.getElementById("article-text");
      const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      let seen = 0, node, range = document.createRange();
      const at = (want) => {  // the text node and UTF-16 index of a code point offset
        while ((node = walker.nextNode())) {
          const points = Array.from(node.data);
          if (seen + points.length >= want) return [node, points.slice(0, want - seen).join("").length];
          seen += points.length;
        }
      };
      range.setStart(...at(start));
      walker.currentNode = box; seen = 0;
      range.setEnd(...at(start + length));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      box.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
    }""", [start, len(phrase)])
    assert page.input_value("#add-start") == str(start)
    assert page.input_value("#add-end") == str(start + len(phrase))
    assert page.input_value("#add-text") == phrase
    page.select_option("#add-family", "organizations")
    page.click("#add-form button[type=submit]")
    page.wait_for_url(f"**/articles/{article}?saved=*")
    reviewed = _api(site, f"/v1/articles/{article}")
    added = [m for o in reviewed["organizations"] for m in o["mentions"] if m["rule"] == "review"]
    assert [(m["start"], m["end"], m["text"]) for m in added] == [(start, start + len(phrase), phrase)]


def test_keyboard_moves_between_mentions_with_visible_focus(page, site):
    page.goto(f"{site['base']}/articles/{site['ids']['nfd']}")
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.dataset.m")
    assert first
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    assert page.inner_text("#inspector").startswith(page.evaluate("document.activeElement.dataset.info"))
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.m") != first
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.dataset.m") == first
    page.keyboard.press("]")  # next article
    page.wait_for_url(lambda url: site["ids"]["nfd"] not in url)
    assert "/articles/" in page.url


def test_markup_in_an_article_never_runs(page, site):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{site['base']}/articles/{site['ids']['hostile']}")
    shown = page.eval_on_selector("#article-text", "e => e.textContent")
    assert "<script>window.__pwned = 1" in shown and 'onerror="window.__pwned = 2"' in shown
    assert page.evaluate("document.querySelectorAll('#article-text script, #article-text img, svg').length") == 0
    page.goto(f"{site['base']}/try")
    page.fill("#article", HOSTILE)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#article-text")
    assert page.evaluate("window.__pwned === undefined") and dialogs == []
