"""Bad and unusual input: each gets a clear, typed error naming the input, or is decoded right."""
from __future__ import annotations

import codecs
import io
import unicodedata

import pytest

from extractor import ExtractOptions, extract
from extractor.errors import BinaryInput, EmptyInput, InputTooLarge, UndecodableInput, UnparseableHtml
from extractor.input.decode import decode_bytes

from conftest import to_windows_1258

ARTICLE = ("Hội nghị tổng kết của Công đoàn Viên chức tỉnh Hải Dương\n"
           "08:43 08-08-22\n"
           "Ngày 28/7/2022, 2 tập thể, 5 cá nhân được Công đoàn Viên chức Việt Nam tặng Bằng khen.\n"
           "Kiều Châu (TH)\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "windows-1258"])
def test_encodings_decode_to_the_same_record(encoding, tmp_path):
    data = to_windows_1258(ARTICLE) if encoding == "windows-1258" else ARTICLE.encode(encoding)
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    record = extract(path)
    assert record.published_at == "2022-08-08T08:43:00+07:00"
    assert [a.recipients for a in record.awards] == [7]
    assert record.source["path"] == str(path)
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text


def test_bytes_and_file_objects_are_accepted():
    assert extract(ARTICLE.encode("utf-8")).awards[0].recipients == 7
    assert extract(io.BytesIO(ARTICLE.encode("utf-16"))).awards[0].recipients == 7


@pytest.mark.parametrize("content", ["", "   \n\t ", b"", b"\n\n"])
def test_empty_input_is_refused(content):
    with pytest.raises(EmptyInput):
        extract(content)


def test_binary_input_is_refused(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises((BinaryInput, UndecodableInput), match="photo.txt"):
        extract(path)


def test_undecodable_file_error_names_the_file(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"Ng\xe0y \xff\xfe 28/7")
    with pytest.raises(UndecodableInput, match="broken.txt"):
        extract(path)


def test_huge_input_is_refused():
    with pytest.raises(InputTooLarge):
        extract("a" * 101, options=ExtractOptions(max_chars=100))
    with pytest.raises(InputTooLarge):
        extract(b"a" * 101, options=ExtractOptions(max_bytes=100))


def test_html_main_text_and_metadata():
    html = """<!doctype html><html><head><title>Trang chủ</title>
    <meta property="og:title" content="Công đoàn Viên chức tỉnh Hải Dương sơ kết Cuộc vận động">
    <meta property="article:published_time" content="2022-08-08T08:43:00+07:00"></head>
    <body><nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav>
    <article><h1>Công đoàn Viên chức tỉnh Hải Dương sơ kết Cuộc vận động</h1>
    <p>Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức sơ kết 05 năm triển khai thực hiện Nghị quyết số 09/NQ-CĐVC.</p>
    <p>Tại hội nghị, 2 tập thể, 5 cá nhân được Công đoàn Viên chức Việt Nam tặng bằng khen; UBND tỉnh tặng bằng khen cho 3 tập thể và 5 cá nhân.</p>
    </article><aside><h3>Tin xem nhiều</h3><p>Ngày 12/5/2021, 9 tập thể được tặng Bằng khen</p></aside>
    <footer>© Công đoàn Viên chức Việt Nam</footer></body></html>"""
    record = extract(html)
    assert record.source.get("format") == "html"
    assert record.title == "Công đoàn Viên chức tỉnh Hải Dương sơ kết Cuộc vận động"
    assert record.published_at.startswith("2022-08-08")
    assert sorted(a.recipients for a in record.awards) == [7, 8]
    assert [d.number for d in record.documents] == ["09/NQ-CĐVC"]
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text


@pytest.mark.parametrize("html", ["<html><body><script>x()</script></body></html>", "<html><head></head><body>   </body></html>"])
def test_html_without_text_is_refused(html):
    with pytest.raises(UnparseableHtml):
        extract(html, html=True)


def test_broken_html_still_gives_its_text():
    record = extract("<html><body><div><h1>Tổng kết năm 2022<p>Ngày 28/7/2022, 2 tập thể được UBND tỉnh tặng Bằng khen.<p>Kiều Châu</div", html=True)
    assert record.awards and record.awards[0].collectives == 2


def test_decode_reports_encoding():
    assert decode_bytes(ARTICLE.encode("utf-16"))[1] == "utf-16"
    assert decode_bytes(to_windows_1258(ARTICLE))[1] == "windows-1258"
