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


def test_html_meta_line_and_lead_set_apart_are_read():
    """A theme's line under the headline ("post-meta": date and view counter) is the dateline,
    its date listed like any dateline's; a lead paragraph set apart ("detail-sapo"), which the
    main-text extractor drops, is read with the body."""
    html = """<!doctype html><html><head><title>Trao 40 suất quà cho công nhân - Báo Công đoàn Sóc Trăng</title>
    <meta property="article:published_time" content="2021-02-03T10:20:00+07:00"></head>
    <body><nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav>
    <div class="main"><h1 class="title">Trao 40 suất quà cho công nhân Khu công nghiệp An Hiệp</h1>
    <div class="post-meta">Cập nhật: 2021-02-03 10:20 <span class="views">| 1.208 lượt xem</span></div>
    <div class="detail-sapo">Chiều 2/2, Liên đoàn Lao động tỉnh Sóc Trăng trao 40 suất quà Tết cho công nhân Khu công nghiệp An Hiệp có hoàn cảnh khó khăn.</div>
    <div class="detail-content"><p>Mỗi suất quà gồm 500.000 đồng tiền mặt và nhu yếu phẩm, do các doanh nghiệp trong khu công nghiệp cùng đóng góp với công đoàn.</p>
    <p>Dịp này, Ban Thường vụ Liên đoàn Lao động tỉnh cũng thăm hỏi 6 công nhân bị tai nạn lao động đang điều trị tại bệnh viện.</p></div></div>
    <footer>© Báo Công đoàn Sóc Trăng</footer></body></html>"""
    record = extract(html)
    assert record.published_at == "2021-02-03T10:20:00+07:00"
    days = sorted(d.value for d in record.dates if d.granularity == "day")
    assert days == ["2021-02-02", "2021-02-03"], days
    assert [d.rule for d in record.dates if d.value == "2021-02-03"] == ["dateline.iso"]
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


def test_invalid_utf8_error_names_the_byte_and_shows_it():
    good = ARTICLE.encode("utf-8")
    at = good.index("Bằng".encode("utf-8"))
    with pytest.raises(UndecodableInput, match=rf"not valid UTF-8: invalid start byte at byte {at}: ff fe "):
        decode_bytes(good[:at] + b"\xff\xfe" + good[at:])
    # after a byte-order mark the offset still counts from the file's first byte
    with pytest.raises(UndecodableInput, match=r"at byte 5: e0 79 20 ff"):
        decode_bytes(codecs.BOM_UTF8 + b"Ng\xe0y \xff\xfe 28/7")


def test_utf8_with_a_nul_between_characters_is_read_as_utf8_not_utf16():
    data = b"".join(ch.encode("utf-8") + b"\x00" for ch in ARTICLE)
    text, encoding = decode_bytes(data)
    assert text == ARTICLE and encoding.startswith("utf-8")
    assert extract(data).awards[0].recipients == 7
    # UTF-16 without a byte-order mark is still UTF-16
    assert decode_bytes(ARTICLE.encode("utf-16-le")) == (ARTICLE, "utf-16-le")


def test_lone_surrogates_are_read_as_replacement_characters_keeping_offsets():
    text = "Ngày 1/1/2020 \udcff, 2 tập thể được UBND tỉnh tặng Bằng khen.\ud800"
    record = extract(text)
    assert len(record.text) == len(text) and record.text[14] == "\ufffd" and record.text[-1] == "\ufffd"
    assert [d.value for d in record.dates] == ["2020-01-01"] and record.awards[0].collectives == 2
    for _, m in record.mentions():
        assert text[m.start:m.end] == m.text
    record.model_dump_json()  # the record can be sent and stored


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\u2028"])
def test_control_characters_do_not_break_extraction(control):
    text = f"Ngày 28/7/2022,{control} 2 tập thể, 5 cá nhân{control} được UBND tỉnh Hải Dương tặng Bằng khen.{control}"
    record = extract(text * 3)
    assert record.dates and record.awards
    for _, m in record.mentions():
        assert (text * 3)[m.start:m.end] == m.text


def test_deeply_nested_html_is_refused_before_parsing():
    from extractor.errors import HtmlTooComplex

    with pytest.raises(HtmlTooComplex, match="max_html_depth"):
        extract("<html><body>" + "<div>" * 100_000 + "Ngày 1/1/2020" + "</div>" * 100_000 + "</body></html>")
    with pytest.raises(HtmlTooComplex, match="max_html_elements"):
        extract("<html><body>" + "<b>a</b>" * 230_000 + "</body></html>")


def test_html_within_the_limits_is_read_even_when_deep():
    """500 levels (under the 512 limit), classes on every level: selectolax's css() copes."""
    page = ("<html><body>" + '<div class="box">' * 500 + '<span class="date">28/07/2022</span>'
            "<p>Ngày 28/7/2022, 2 tập thể được UBND tỉnh tặng Bằng khen.</p>" + "</div>" * 500 + "</body></html>")
    record = extract(page)
    assert record.awards and record.awards[0].collectives == 2


def test_html_limits_follow_the_options():
    from extractor.errors import HtmlTooComplex

    page = "<html><body>" + "<p>Ngày 28/7/2022, hội nghị.</p>" * 30 + "</body></html>"
    assert extract(page).dates
    with pytest.raises(HtmlTooComplex, match="more than 20 elements"):
        extract(page, options=ExtractOptions(max_html_elements=20))


_SAPO_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Công đoàn ngành Y tế Sóc Trăng tổng kết</title></head>
<body><header><nav><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a></nav></header>
<div class="container"><div class="detail">
<h1 class="title">Công đoàn ngành Y tế Sóc Trăng tổng kết năm 2023</h1>
<div class="meta"><span class="date">26/12/2023 09:15</span></div>
<div class="detail-sapo">Sáng 25/12/2023, Công đoàn ngành Y tế tỉnh Sóc Trăng tổ chức hội nghị tổng kết công tác công đoàn năm 2023.</div>
<div class="detail-content"><p>Năm qua, công đoàn ngành đã thăm hỏi 320 đoàn viên ốm đau với tổng số tiền hơn 150 triệu đồng, phối hợp chuyên môn chăm lo Tết cho người lao động có hoàn cảnh khó khăn.</p>
<p>Dịp này, Công đoàn ngành Y tế tỉnh tặng Giấy khen cho 12 tập thể và 30 cá nhân có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2023.</p>
<p>Hội nghị cũng đề ra phương hướng, nhiệm vụ năm 2024 với trọng tâm là chăm lo đời sống và bảo vệ quyền lợi hợp pháp của đoàn viên.</p></div>
</div></div><footer>Bản quyền thuộc về Công đoàn ngành Y tế</footer></body></html>"""


def test_a_page_lead_the_main_text_extractor_drops_is_kept():
    """Vietnamese news pages put the lead in a "sapo" block, which trafilatura drops with the
    page furniture: its date and entities would be lost."""
    import trafilatura

    dropped = trafilatura.bare_extraction(_SAPO_PAGE, with_metadata=True, output_format="python")
    body = dropped.text if hasattr(dropped, "text") else dropped["text"]
    assert "25/12/2023" not in body  # the case this test is about: the extractor drops the lead
    record = extract(_SAPO_PAGE)
    assert "2023-12-25" in [d.value for d in record.dates]
    assert record.text.index("Sáng 25/12/2023") < record.text.index("Năm qua")
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text


_BANNER_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>HỘI NÔNG DÂN TỈNH PHÚ YÊN - TRANG TIN ĐIỆN TỬ</title></head>
<body><div class="banner">HỘI NÔNG DÂN TỈNH PHÚ YÊN</div>
<div class="path">Trang chủ &gt; Tin hoạt động</div>
<div class="News_Title">Hội Nông dân huyện Sơn Hòa tập huấn trồng mía cho 80 hội viên</div>
<div class="News_Info"><span class="date">12/04/2023 10:05</span> <a href="#">In</a> <a href="#">Gửi</a></div>
<div class="news-summary">Trong 2 ngày 10 và 11/4/2023, Hội Nông dân huyện Sơn Hòa mở lớp tập huấn kỹ thuật trồng mía cho hội viên các xã vùng đồi.</div>
<div class="News_Content"><p>Lớp học do kỹ sư của Trung tâm Khuyến nông tỉnh hướng dẫn, gồm cách chọn giống, bón phân và phòng trừ sâu bệnh cho cây mía trên đất dốc.</p>
<p>Dịp này, Hội Nông dân huyện tặng 80 bộ tài liệu kỹ thuật và hỗ trợ giống mía mới cho 20 hộ hội viên nghèo có đất sản xuất.</p>
<p>Ngọc Diệp</p></div>
<div class="other"><div class="title">Tin khác</div></div></body></html>"""


def test_html_marked_headline_and_summary_beat_a_banner_title():
    """A theme's <title> in capitals is the site's banner: the element it marks as the headline
    ("News_Title") is the title; its lead set apart as a "summary" is read with the body, and the
    print and send buttons on the date line are no author."""
    record = extract(_BANNER_PAGE)
    assert record.title == "Hội Nông dân huyện Sơn Hòa tập huấn trồng mía cho 80 hội viên"
    days = sorted({v for d in record.dates if d.granularity == "day" for v in (d.value, d.end_value) if v})
    assert days == ["2023-04-10", "2023-04-11", "2023-04-12"], days
    assert record.authors == ["Ngọc Diệp"]
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text


_TABLE_PORTAL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bộ Giáo dục và Đào tạo - Tin tức</title></head>
<body><table class="layout"><tr><td class="banner" colspan="2">BỘ GIÁO DỤC VÀ ĐÀO TẠO<br><span>MINISTRY OF EDUCATION AND TRAINING</span></td></tr>
<tr><td class="topmenu" colspan="2">Trang chủ | Giới thiệu | Tin tức | Văn bản | Hỏi đáp</td></tr>
<tr><td class="leftcol"><div class="box">Giáo dục mầm non<br>Giáo dục phổ thông<br>Giáo dục đại học</div></td>
<td class="maincol"><div class="path">Tin tức » Địa phương</div><div class="newsdetail">
<div class="ndtitle">Quảng Trị: Trao 350 suất học bổng cho học sinh vùng lũ</div>
<div class="nddate">Ngày xuất bản: 04/11/2021 9:10:00 SA</div>
<div class="ndsapo"><strong>Ngày 3/11, tại thành phố Đông Hà, Sở Giáo dục và Đào tạo tỉnh Quảng Trị phối hợp với Quỹ Khuyến học tỉnh trao 350 suất học bổng cho học sinh có hoàn cảnh khó khăn.</strong></div>
<div class="ndcontent"><p>Mỗi suất học bổng trị giá 1,5 triệu đồng, dành cho học sinh các huyện Hải Lăng, Triệu Phong và Gio Linh bị thiệt hại nặng trong đợt lũ tháng 10.</p>
<p>Phát biểu tại buổi lễ, ông Lê Quang Vinh, Giám đốc Sở Giáo dục và Đào tạo, đề nghị các trường tiếp tục rà soát, hỗ trợ sách vở và đồ dùng học tập để học sinh sớm ổn định việc học.</p>
<p class="author"><b>Thanh Trúc</b></p></div>
<div class="ndother"><b>Các tin khác:</b><br>» Hà Giang: Khai giảng lớp xóa mù chữ cho 40 học viên (28/10/2021)<br>» Tổng kết năm học ở Cao Bằng (15/06/2021)</div>
</div></td></tr>
<tr><td class="footer" colspan="2">Cổng thông tin Bộ Giáo dục và Đào tạo. Địa chỉ: 35 Đại Cồ Việt, Hai Bà Trưng, Hà Nội.</td></tr>
</table></body></html>"""


def test_a_portal_laid_out_as_one_table_is_read_from_its_marked_blocks():
    """A portal laid out as one table: the main-text extractor returns the banner, menus, the
    article, the related list and the footer on one line. The theme's marked headline
    ("ndtitle") and content ("ndcontent") are read instead: the banner is neither the title nor
    an author, and the related list's dates and the footer's places are not the article's."""
    record = extract(_TABLE_PORTAL_PAGE)
    assert record.title == "Quảng Trị: Trao 350 suất học bổng cho học sinh vùng lũ"
    assert record.authors == ["Thanh Trúc"]
    assert record.published_at.startswith("2021-11-04")
    days = sorted(d.value for d in record.dates if d.granularity == "day")
    assert days == ["2021-11-03", "2021-11-04"], days
    names = {loc.name for loc in record.locations}
    assert "Hà Nội" not in names and "Hà Giang" not in names and "Cao Bằng" not in names, names
    assert "Đông Hà" in names, names
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text


_BRIEF_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin điện tử phường An Lạc</title></head>
<body><div class="header"><div class="ward-name">CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG AN LẠC</div><div class="today">Thứ Bảy, ngày 22/10/2022</div></div>
<div class="menu">Trang chủ · Giới thiệu · Tin tức · Văn bản · Hỏi đáp</div>
<div class="content"><div class="col-left"><div class="cat-name">TIN TỨC / Đoàn thể</div>
<h2 class="title-news">Hội thi nấu ăn của nữ công nhân Khu công nghiệp Tân Tạo</h2>
<div class="date-news">Ngày đăng: 22/10/2022 15:20 &nbsp;|&nbsp; Lượt xem: 214</div>
<div class="brief"><b>Sáng 20/10, Công đoàn Khu công nghiệp Tân Tạo tổ chức hội thi nấu ăn chào mừng ngày Phụ nữ Việt Nam cho 18 đội thi của các doanh nghiệp.</b></div>
<div class="body-news"><p>Mỗi đội có 3 thành viên, chế biến một món mặn, một món canh và một món tráng miệng trong 90 phút với nguyên liệu do ban tổ chức chuẩn bị.</p>
<p>Kết thúc hội thi, ban tổ chức trao giải nhất cho đội Công ty May Tân Tạo, giải nhì cho đội Công ty Bao bì Sài Gòn và 3 giải khuyến khích.</p>
<p style="text-align:right"><b>Hữu Tài</b></p></div>
<div class="tool-news"><a>In trang</a> | <a>Gửi email</a></div>
<div class="other-news"><b>Tin khác</b><br>- Phường An Lạc ra quân làm sạch kênh (15/10/2022)</div></div></div>
<div class="footer">Cổng thông tin điện tử phường An Lạc</div></body></html>"""


def test_a_bold_lead_in_a_brief_block_is_kept():
    """A lead set apart as "brief" (and "desc", "abstract", "chapo" ...), its text in bold: the
    main-text extractor drops on some pages, and with it the event's date. The block is read as
    the page's lead, put under the headline when the main text lacks it."""
    from extractor.input.html import html_to_article

    assert html_to_article(_BRIEF_PAGE).lead.startswith("Sáng 20/10, Công đoàn Khu công nghiệp Tân Tạo")
    record = extract(_BRIEF_PAGE)
    assert record.title == "Hội thi nấu ăn của nữ công nhân Khu công nghiệp Tân Tạo"
    assert "2022-10-20" in [d.value for d in record.dates]
    assert record.text.index("Sáng 20/10") < record.text.index("Mỗi đội")


_AUTHOR_TIME_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Chi bộ Công ty Cấp nước Hòa Bình sinh hoạt chuyên đề</title>
<meta property="article:published_time" content="2020-09-09T10:05:00+07:00"></head>
<body><div class="detail"><h1 class="detail-title">Chi bộ Công ty Cấp nước Hòa Bình sinh hoạt chuyên đề</h1>
<div class="detail-author-time"><span class="author">Trần Vũ</span> | Thứ Tư, 09/09/2020 | 10:05</div>
<div class="detail-content"><p>Ngày 7/9, Chi bộ Công ty Cổ phần Cấp nước Hòa Bình tổ chức sinh hoạt chuyên đề về nâng cao chất lượng đảng viên ở doanh nghiệp, với 26 đảng viên tham dự.</p>
<p>Các đảng viên thảo luận về trách nhiệm nêu gương trong việc chấp hành nội quy lao động và tiết kiệm chi phí sản xuất.</p></div></div></body></html>"""


def test_an_author_and_time_line_is_a_dateline_whose_date_is_listed():
    """"Author | weekday, date | time" marked as the author's and time line: a dateline, so its
    date is listed like any dateline's (RECORD.md, Date), and the author read from it."""
    record = extract(_AUTHOR_TIME_PAGE)
    assert record.published_at.startswith("2020-09-09")
    days = sorted(d.value for d in record.dates if d.granularity == "day")
    assert days == ["2020-09-07", "2020-09-09"], days
    assert record.authors == ["Trần Vũ"]
