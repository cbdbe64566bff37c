"""Reviews: corrections as revisions beside the machine record, on both store backends; the API's
review routes; re-extraction keeping corrections; gold export read by `vnextract eval`; the
pages' session, CSRF and escaping (in process; the browser tests are in test_pages_browser.py)."""
from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor import extract
from extractor.cli import app as cli
from extractor.evaluate import read_jsonl, score
from extractor.review import Correction, CorrectionError, agreement, apply, gold_line, rebase
from extractor.store import open_store
from extractor.web.highlight import Mark, marks_of, render
from service import Settings, create_app
from test_store import backend, store, store_url  # noqa: F401  (the store fixtures, on both backends)

KEY = "review-key"
ARTICLE = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức Hội nghị tổng kết. Thực hiện Nghị quyết số "
           "09/NQ-CĐVC ngày 03/8/2017 của Ban Chấp hành Công đoàn Viên chức Việt Nam, 2 tập thể, 5 cá nhân được "
           "Công đoàn Viên chức Việt Nam tặng Bằng khen. Đồng chí Nguyễn Thị Thanh Bình, Chủ tịch Công đoàn Viên "
           "chức tỉnh phát biểu.")
OTHER = ("Sáng 21/6/2023, Liên đoàn Lao động tỉnh Thái Nguyên tặng Giấy khen cho 3 tập thể, 4 cá nhân. "
         "Bà Trần Thị Lan, Phó Chủ tịch, trao thưởng.")
TRUE_GIVER = "Ủy ban nhân dân tỉnh Hải Dương"


def _award_target(record) -> str:
    award = record.awards[0]
    return f"{award.start}-{award.end}"


def _fix_giver(record) -> Correction:
    return Correction(action="set", family="awards", target=_award_target(record), values={"giver": TRUE_GIVER})


# ---- corrections, on records -----------------------------------------------------------------

def test_a_correction_says_what_it_changed():
    record = extract(ARTICLE)
    applied = apply(record, _fix_giver(record))
    assert applied.before == {"giver": "Công đoàn Viên chức Việt Nam"}
    assert applied.after == {"giver": TRUE_GIVER}
    assert applied.record.awards[0].giver == TRUE_GIVER
    assert record.awards[0].giver == "Công đoàn Viên chức Việt Nam"  # the machine record is untouched


def test_counts_recompute_the_total_and_bad_values_are_refused():
    record = extract(ARTICLE)
    fixed = apply(record, Correction(action="set", family="awards", target=_award_target(record),
                                     values={"collectives": "3"})).record
    assert (fixed.awards[0].collectives, fixed.awards[0].individuals, fixed.awards[0].recipients) == (3, 5, 8)
    for values in ({"collectives": "three"}, {"award_kind": "medal"}, {"rule": "x"}):
        with pytest.raises(CorrectionError):
            apply(record, Correction(action="set", family="awards", target=_award_target(record), values=values))
    with pytest.raises(CorrectionError, match="nothing to change"):  # a form resent as it was
        apply(record, Correction(action="set", family="awards", target=_award_target(record),
                                 values={"giver": record.awards[0].giver, "individuals": "5"}))
    with pytest.raises(CorrectionError, match="no awards item"):
        apply(record, Correction(action="set", family="awards", target="0-1", values={"giver": "X"}))


def test_removing_a_mention_or_an_entity():
    record = extract(ARTICLE)
    person = record.people[0]
    mention = person.mentions[0]
    without = apply(record, Correction(action="remove", family="people", target=_canon(person.name),
                                       mention=f"{mention.start}-{mention.end}")).record
    assert person.name not in [p.name for p in without.people]  # its only mention gone, the person goes too
    document = record.documents[0]
    without = apply(record, Correction(action="remove", family="documents", target="9/NQ-CDVC")).record
    assert document.number not in [d.number for d in without.documents]


def test_a_missed_mention_is_added_at_code_point_offsets_of_an_nfd_text():
    text = unicodedata.normalize("NFD", "😀 Hôm nay ông Lê Văn Tám, Giám đốc Sở Tài chính, phát biểu.")
    record = extract(text)
    start = text.index(unicodedata.normalize("NFD", "Sở Tài chính"))
    end = start + len(unicodedata.normalize("NFD", "Sở Tài chính"))
    with pytest.raises(CorrectionError, match="code points"):  # offsets counted in UTF-16 units land elsewhere
        apply(record, Correction(action="add", family="organizations", start=start + 1, end=end + 1,
                                 text=text[start:end]))
    added = apply(record, Correction(action="add", family="organizations", start=start, end=end,
                                     text=text[start:end], values={"name": "Sở Tài chính"})).record
    mention = next(m for o in added.organizations for m in o.mentions if m.rule == "review")
    assert text[mention.start:mention.end] == mention.text == text[start:end]


def test_rebase_keeps_corrections_and_lists_conflicts():
    record = extract(ARTICLE)
    correction = _fix_giver(record)
    applied = apply(record, correction)
    history = [(1, correction, applied.before, applied.after)]
    same = rebase(record, history)  # the same rules: the correction is re-applied, no conflict
    assert same.record.awards[0].giver == TRUE_GIVER and same.conflicts == []
    newer = record.model_copy(deep=True)
    newer.awards[0].giver = "Tổng Liên đoàn Lao động Việt Nam"  # newer rules give a third giver
    moved = rebase(newer, history)
    assert moved.record.awards[0].giver == TRUE_GIVER
    assert len(moved.conflicts) == 1 and "Tổng Liên đoàn" in moved.conflicts[0].detail
    gone = record.model_copy(update={"awards": []})
    assert "no longer has this item" in rebase(gone, history).conflicts[0].detail
    person = record.people[0]
    removal = Correction(action="remove", family="people", target=_canon(person.name),
                         mention=f"{person.mentions[0].start}-{person.mentions[0].end}")
    removed = apply(record, removal)
    # rules that no longer find the mention agree with the reviewer: nothing to re-apply, no conflict
    assert rebase(removed.record, [(1, removal, removed.before, None)]).conflicts == []


# ---- the store, on SQLite and PostgreSQL -----------------------------------------------------

def test_revisions_are_stored_beside_the_machine_record(store):
    record = extract(ARTICLE)
    store.put(record)
    revision = store.revise(record.id, "Lan", _fix_giver(record))
    assert revision["seq"] == 1 and revision["reviewer"] == "Lan" and revision["after"] == {"giver": TRUE_GIVER}
    reviewed = store.get(record.id)
    assert reviewed.awards[0].giver == TRUE_GIVER
    assert reviewed.review.status == "corrected" and reviewed.review.reviewers == ["Lan"]
    assert store.machine(record.id) == record  # the machine record, exactly as stored
    assert json.loads(store.query_json()[0][0])["review"]["status"] == "corrected"
    assert store.revise("no-such-article", "Lan", _fix_giver(record)) is None
    with pytest.raises(CorrectionError):
        store.revise(record.id, "Lan", Correction(action="set", family="awards", target="0-1", values={"giver": "X"}))
    assert [r["seq"] for r in store.revisions(record.id)] == [1]  # the refused one left nothing


def test_reextraction_keeps_corrections(store):
    record = extract(ARTICLE)
    store.put(record)
    store.revise(record.id, "Lan", _fix_giver(record))
    newer = record.model_copy(deep=True, update={"rules_version": "newer"})
    newer.awards[0].giver = "Tổng Liên đoàn Lao động Việt Nam"
    conflicts = store.replace(newer)
    assert len(conflicts) == 1
    assert store.machine(record.id).awards[0].giver == "Tổng Liên đoàn Lao động Việt Nam"
    reviewed = store.get(record.id)
    assert reviewed.awards[0].giver == TRUE_GIVER and reviewed.review.conflicts[0]["revision"] == 1
    assert store.count() == 1 and len(store.revisions(record.id)) == 1


# ---- agreement and gold ----------------------------------------------------------------------

def test_agreement_counts_the_corrected_rule():
    record = extract(ARTICLE)
    reviewed = apply(record, _fix_giver(record)).record
    figures = agreement([(record, reviewed)])
    assert figures["fields"]["awards+giver"]["fp"] == 1 and figures["fields"]["awards"]["fp"] == 0
    rule = next(r for r in figures["rules"] if r["rule"] == record.awards[0].rule)
    assert rule["corrected"] == 1 and rule["precision"] < 1.0
    untouched = [r for r in figures["rules"] if r["family"] == "dates"]
    assert untouched and all(r["precision"] == 1.0 and r["corrected"] == 0 for r in untouched)


def test_export_gold_is_read_by_eval(tmp_path):
    db = f"sqlite:///{tmp_path / 'gold.sqlite'}"
    with open_store(db) as opened:
        for text in (ARTICLE, OTHER):
            opened.put(extract(text))
        record = extract(ARTICLE)
        opened.revise(record.id, "Lan", _fix_giver(record))
    runner = CliRunner()
    out, texts = tmp_path / "gold.jsonl", tmp_path / "texts"
    result = runner.invoke(cli, ["export-gold", "--out", str(out), "--texts", str(texts), "--db", db])
    assert result.exit_code == 0, result.output
    gold = read_jsonl(str(out))
    assert len(gold) == 1 and gold[0]["awards"][0]["giver"] == TRUE_GIVER
    assert (texts / gold[0]["file"]).read_text(encoding="utf-8") == ARTICLE
    evaluated = runner.invoke(cli, ["eval", str(out), str(texts), "--json", str(tmp_path / "figures.json")])
    assert evaluated.exit_code == 0, evaluated.output
    figures = json.loads((tmp_path / "figures.json").read_text())["vnextract"]
    assert figures["awards"]["tp"] == 1  # kind and counts were right
    assert figures["awards+giver"]["fn"] == 1 and figures["awards+giver"]["fp"] == 1  # the giver was not


def test_gold_lines_have_the_scorers_shape():
    record = extract(ARTICLE)
    line = gold_line(record, "a.txt")
    assert score([line], [json.loads(record.model_dump_json()) | {"file": "a.txt"}])["awards+giver"].figures()["f1"] == 1


# ---- the API ---------------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path):
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'api.sqlite'}", VNEXTRACT_API_KEYS=KEY,
                        VNEXTRACT_EXTRACT_PROCESSES=0)
    with TestClient(create_app(settings)) as c:
        yield c


def _stored(client, text: str) -> dict:
    response = client.post("/v1/articles", json={"text": text}, headers={"X-API-Key": KEY})
    assert response.status_code in (200, 201)
    return response.json()


def _giver_body(record: dict, **extra) -> dict:
    award = record["awards"][0]
    return {"action": "set", "family": "awards", "target": f"{award['start']}-{award['end']}",
            "values": {"giver": TRUE_GIVER}, **extra}


def test_revisions_over_the_api(client):
    record = _stored(client, ARTICLE)
    path = f"/v1/articles/{record['id']}/revisions"
    assert client.post(path, json=_giver_body(record)).status_code == 401
    assert client.post(path, json=_giver_body(record), headers={"X-API-Key": "wrong"}).status_code == 403
    created = client.post(path, json=_giver_body(record, reviewer="Lan"), headers={"X-API-Key": KEY})
    assert created.status_code == 201 and created.json()["before"]["giver"] == "Công đoàn Viên chức Việt Nam"
    served = client.get(f"/v1/articles/{record['id']}").json()
    assert served["awards"][0]["giver"] == TRUE_GIVER and served["review"]["status"] == "corrected"
    machine = client.get(f"/v1/articles/{record['id']}/machine").json()
    assert machine["awards"][0]["giver"] == "Công đoàn Viên chức Việt Nam" and machine["review"] is None
    assert [r["reviewer"] for r in client.get(path).json()["items"]] == ["Lan"]
    listed = client.get("/v1/articles").json()["items"]
    assert listed[0]["review"]["status"] == "corrected"
    agreement_figures = client.get("/v1/agreement").json()
    assert agreement_figures["articles"] == 1 and agreement_figures["fields"]["awards+giver"]["fp"] == 1


def test_a_crafted_target_cannot_reach_another_article(client):
    first, second = _stored(client, ARTICLE), _stored(client, OTHER)
    # the second article's award, sent to the first article's path
    response = client.post(f"/v1/articles/{first['id']}/revisions", json=_giver_body(second),
                           headers={"X-API-Key": KEY})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert client.get(f"/v1/articles/{second['id']}").json()["review"] is None
    assert client.get(f"/v1/articles/{first['id']}/revisions").json()["items"] == []


def test_reextract_over_the_api(client):
    record = _stored(client, ARTICLE)
    client.post(f"/v1/articles/{record['id']}/revisions", json=_giver_body(record), headers={"X-API-Key": KEY})
    assert client.post(f"/v1/articles/{record['id']}/reextract").status_code == 401
    response = client.post(f"/v1/articles/{record['id']}/reextract", headers={"X-API-Key": KEY})
    assert response.status_code == 200 and response.json()["conflicts"] == []
    assert client.get(f"/v1/articles/{record['id']}").json()["awards"][0]["giver"] == TRUE_GIVER
    assert client.post("/v1/articles/nope/reextract", headers={"X-API-Key": KEY}).status_code == 404


# ---- the pages: session, CSRF, escaping --------------------------------------------------------

def _login(client) -> str:
    response = client.post("/login", data={"reviewer": "Lan", "key": KEY, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return client.get("/").text


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def test_login_needs_a_valid_key(client):
    refused = client.post("/login", data={"reviewer": "Lan", "key": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    outside = client.post("/login", data={"reviewer": "Lan", "key": KEY, "next": "//evil.example/"},
                          follow_redirects=False)
    assert outside.headers["location"] == "/"  # never sent off the site


def test_page_corrections_need_session_csrf_and_the_right_article(client):
    record, other = _stored(client, ARTICLE), _stored(client, OTHER)
    award = record["awards"][0]
    form = {"article_id": record["id"], "action": "set", "family": "awards",
            "target": f"{award['start']}-{award['end']}", "v.giver": TRUE_GIVER}
    path = f"/articles/{record['id']}/review"
    assert client.post(path, data=form).status_code == 401  # not signed in
    page = _login(client)
    assert client.post(path, data=form).status_code == 403  # no CSRF token
    assert client.post(path, data={**form, "csrf": "0" * 64}).status_code == 403
    token = _csrf(page)
    cross = client.post(path, data={**form, "csrf": token}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    elsewhere = client.post(f"/articles/{other['id']}/review", data={**form, "csrf": token})
    assert elsewhere.status_code == 400  # the form names another article than its path
    refused = client.post(path, data={**form, "csrf": token, "v.collectives": "many"})
    assert refused.status_code == 422 and "whole number" in refused.text
    saved = client.post(path, data={**form, "csrf": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get(f"/v1/articles/{record['id']}").json()["awards"][0]["giver"] == TRUE_GIVER
    assert client.get(f"/v1/articles/{other['id']}").json()["review"] is None
    article_page = client.get(saved.headers["location"]).text
    assert "Revision 1 saved" in article_page and "by Lan" in article_page


def test_pages_escape_what_articles_say(client):
    hostile = ('Ngày 28/7/2022, <script>alert("x")</script> Công đoàn Viên chức tỉnh Hải Dương '
               '<img src=x onerror="alert(1)"> tổ chức hội nghị "\'><b>.')
    record = _stored(client, hostile)
    page = client.get(f"/articles/{record['id']}")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    body = page.text
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>." not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
    assert client.get("/", params={"q": "<script>alert(1)</script>"}).text.count("<script>alert") == 0


def test_pages_answer(client):
    record = _stored(client, ARTICLE)
    for path in ("/", "/?document=9/NQ-CDVC", "/try", "/agreement", "/login", f"/articles/{record['id']}",
                 "/documents/09/NQ-CĐVC", "/organizations/Công đoàn Viên chức Việt Nam",
                 "/people/Nguyễn Thị Thanh Bình"):
        assert client.get(path).status_code == 200, path
    assert "1 article" in client.get("/?document=9/NQ-CDVC").text
    organisation = client.get("/organizations/Công đoàn Viên chức Việt Nam").text
    assert "Awards given (1)" in organisation and "7 recipients" in organisation
    assert "Documents issued (1)" in organisation  # 09/NQ-CĐVC, issued by its Ban Chấp hành
    assert f'href="/articles/{record["id"]}"' in client.get("/documents/9/NQ-CDVC").text
    assert client.get("/?published_from=2022-13-01").status_code == 422
    assert client.get("/articles/nope").status_code == 404
    tried = client.post("/try", data={"article": ARTICLE, "format": "text"})
    assert tried.status_code == 200 and 'class="m f-awards"' in tried.text
    assert client.get("/v1/articles").json()["items"][0]["id"] == record["id"]  # trying stored nothing more
    assert len(client.get("/v1/articles").json()["items"]) == 1


# ---- highlights ------------------------------------------------------------------------------

class _Fragments(HTMLParser):
    """The text of a rendered article, and each mark's fragments' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.open, self.marks = [], [], {}

    def handle_starttag(self, tag, attrs):
        self.open.append(dict(attrs)["data-m"])

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)
        for m in self.open:
            self.marks[m] = self.marks.get(m, "") + data


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="aá\u0301ệ😀 <&>\"", min_size=1, max_size=40), st.data())
def test_rendered_marks_cover_exactly_their_spans(text, data):
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))
                               .filter(lambda s: s[0] < s[1]), max_size=8))
    marks = [Mark(f"m{i}", "people", a, b, text[a:b], "info", "item", "t", None) for i, (a, b) in enumerate(spans)]
    parsed = _Fragments()
    parsed.feed(str(render(text, marks)))
    assert "".join(parsed.text) == text
    for mark in marks:
        assert parsed.marks[mark.id] == text[mark.start:mark.end]


def test_every_mention_of_a_record_is_marked():
    record = extract(ARTICLE)
    parsed = _Fragments()
    parsed.feed(str(render(record.text, marks_of(record))))
    assert len(parsed.marks) == sum(1 for _ in record.mentions())
    assert all(parsed.marks[m.id] == m.text for m in marks_of(record))


def _canon(name: str) -> str:
    from extractor.evaluate import canon

    return canon(name)


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b_ = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_highlight_colours_pass_contrast_checks():
    from extractor.web.pages import STATIC

    css = (STATIC / "app.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    for family in ("date", "doc", "award", "person", "org", "place"):
        assert _contrast(colours["ink"], colours[family]) >= 7.0, family  # WCAG AAA for text
    assert _contrast(colours["focus"], "#ffffff") >= 3.0  # focus ring against the page (WCAG 2.4.13)


def test_search_counts_sorts_by_date_and_pages(store):
    from extractor.store import ArticleQuery

    dated = [extract(f"{ARTICLE}\n\nBài {i}.").model_copy(update={"published_at": day})
             for i, day in enumerate(["2021-05-01", None, "2023-01-02", "2022-03-04"])]
    for record in dated:
        store.put(record)
    newest, total = store.search(ArticleQuery(document="9/NQ-CDVC"), newest_first=True, offset=0, limit=2)
    assert total == 4 and [r.published_at for r in newest] == ["2023-01-02", "2022-03-04"]
    rest, _ = store.search(ArticleQuery(document="9/NQ-CDVC"), newest_first=True, offset=2, limit=2)
    assert [r.published_at for r in rest] == ["2021-05-01", None]  # undated last
    oldest, _ = store.search(newest_first=False, limit=1)
    assert oldest[0].published_at == "2021-05-01"
    assert store.search(ArticleQuery(person="nobody at all"))[1] == 0
    assert store.next_article_id(dated[0].id) == dated[1].id
    assert store.next_article_id(dated[-1].id) == dated[0].id  # from the last back to the first


def test_table_exports_carry_revisions_and_reviewed_records(tmp_path):
    db = f"sqlite:///{tmp_path / 'export.sqlite'}"
    record = extract(ARTICLE)
    with open_store(db) as opened:
        opened.put(record)
        opened.revise(record.id, "Lan", _fix_giver(record))
    result = CliRunner().invoke(cli, ["export", "--format", "jsonl", "--out", str(tmp_path / "out"), "--db", db])
    assert result.exit_code == 0, result.output
    revisions = read_jsonl(str(tmp_path / "out" / "revisions.jsonl"))
    assert [(r["reviewer"], r["after"]) for r in revisions] == [("Lan", {"giver": TRUE_GIVER})]
    reviewed = json.loads(read_jsonl(str(tmp_path / "out" / "article_reviews.jsonl"))[0]["reviewed_json"])
    assert reviewed["awards"][0]["giver"] == TRUE_GIVER and reviewed["review"]["status"] == "corrected"
    machine = json.loads(read_jsonl(str(tmp_path / "out" / "articles.jsonl"))[0]["record_json"])
    assert machine["awards"][0]["giver"] != TRUE_GIVER
