"""The "Judgement calls" of ../shared/spec/RECORD.md, each on a made-up sentence of its shape."""
from __future__ import annotations

from extractor import extract


def _orgs(text: str) -> set[str]:
    return {o.name for o in extract(text).organizations}


def test_a_parent_named_only_inside_an_organ_is_no_entry():
    orgs = _orgs("Sáng 3-5, Ban Thường vụ Tỉnh ủy Quảng Trị tổ chức hội nghị sơ kết công tác dân vận.")
    assert "Ban Thường vụ Tỉnh ủy Quảng Trị" in orgs
    assert "Tỉnh ủy Quảng Trị" not in orgs


def test_the_employer_of_a_union_is_an_entry_only_when_referred_to_on_its_own():
    union = "Công đoàn Công ty Cổ phần Cao su Phước Hòa tổ chức hội thao cho 600 công nhân."
    assert _orgs(union) == {"Công đoàn Công ty Cổ phần Cao su Phước Hòa"}
    # the short form "Công ty" refers to the employer on its own: now it is an entry
    orgs = _orgs(union + " Dịp này, Công ty đã tặng Giấy khen cho 20 cá nhân.")
    assert orgs == {"Công đoàn Công ty Cổ phần Cao su Phước Hòa", "Công ty Cổ phần Cao su Phước Hòa"}


def test_a_union_named_by_its_employers_short_form_takes_the_full_name():
    orgs = _orgs("Bệnh viện Đa khoa tỉnh Nam Định phối hợp với Công đoàn cơ sở Bệnh viện tổ chức hội nghị.")
    assert orgs == {"Bệnh viện Đa khoa tỉnh Nam Định", "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh Nam Định"}


def test_one_body_written_with_and_without_its_level_word_is_one_entry():
    text = ("Công đoàn ngành Giáo dục Yên Bái tổng kết năm học\n"
            "Sáng 5/6, Công đoàn ngành Giáo dục tỉnh Yên Bái tổ chức hội nghị. Công đoàn cơ sở VNPT Yên Bái "
            "và Công đoàn VNPT Yên Bái cùng dự.")
    assert _orgs(text) == {"Công đoàn ngành Giáo dục tỉnh Yên Bái", "Công đoàn cơ sở VNPT Yên Bái"}
    # a province and its capital city of the same name are two bodies
    assert len(_orgs("UBND tỉnh Hà Giang và UBND thành phố Hà Giang ký kết.")) == 2


def test_a_person_named_after_a_place_in_a_list_is_no_place():
    record = extract("Hội Nông dân xã Yên Phú, Nguyễn Văn Hùng, Chủ tịch Hội, phát biểu.")
    assert [loc.name for loc in record.locations] == ["Yên Phú"]
    assert [p.name for p in record.people] == ["Nguyễn Văn Hùng"]


def _days(text: str) -> list[str]:
    return [d.value for d in extract(text).dates if d.granularity == "day"]


def test_the_year_of_the_work_reviewed_is_not_the_events():
    # a January meeting reviews the year before: no year for "12/1" from "năm 2018"
    assert _days("Chiều 12/1, Công đoàn ngành tổ chức hội nghị tổng kết công tác năm 2018.") == []
    # a mid-year review and a year's programme are of the event's own year
    assert _days("Chiều 16/7, Công đoàn tổ chức sơ kết 6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2019.") == ["2019-07-16"]
    assert _days("Thực hiện Chương trình công tác năm 2022, sáng ngày 26 tháng 7, Công đoàn họp.") == ["2022-07-26"]


def _awards(text: str) -> list[tuple]:
    return [(a.award_kind, a.collectives, a.individuals, a.recipients) for a in extract(text).awards]


def test_a_subset_of_a_total_adds_no_entry():
    text = ("Toàn tỉnh có 120 đảng viên được tặng Huy hiệu Đảng năm 2023. Trong đó, 70 đồng chí nhận "
            "Huy hiệu 30 năm tuổi Đảng và 50 đồng chí nhận Huy hiệu 40 năm tuổi Đảng.")
    assert _awards(text) == [("khac", None, 120, 120)]


def test_a_commendation_restating_a_named_conferral_adds_no_entry():
    text = ("Sáng 18/11, Sở Giáo dục và Đào tạo tổ chức lễ tuyên dương 26 tập thể, cá nhân xuất sắc. "
            "26 tập thể, cá nhân này đã được nhận Bằng khen của Bộ Giáo dục và Đào tạo.")
    assert _awards(text) == [("bang_khen", None, None, 26)]


def test_a_history_of_decorations_is_no_conferral():
    assert _awards("Nhiều năm qua, đơn vị đã được tặng 25 Bằng khen của các cấp.") == []
    assert _awards("Đơn vị đã được tặng 25 Bằng khen và 3 Cờ thi đua.") == []


def test_a_conferral_only_the_headline_counts_is_an_entry_with_the_body_giver():
    text = ("35 cá nhân nhận Kỷ niệm chương “Vì sự nghiệp xây dựng tổ chức Công đoàn”\n"
            "Chiều 20/8, Liên đoàn Lao động huyện Phú Bình tổ chức hội nghị chuyên đề.\n"
            "Dịp này, Liên đoàn Lao động huyện Phú Bình trao tặng Kỷ niệm chương “Vì sự nghiệp xây dựng tổ chức Công đoàn” cho các cá nhân xuất sắc.\n")
    awards = extract(text).awards
    assert [(a.award_kind, a.individuals, a.giver) for a in awards] == \
        [("ky_niem_chuong", 35, "Liên đoàn Lao động huyện Phú Bình")]


def test_a_headline_summing_up_the_body_adds_no_entry():
    text = ("Sơ kết 6 tháng, khen thưởng 30 tập thể, cá nhân\n"
            "Chiều 21/8, Liên đoàn Lao động tỉnh Tây Ninh tổ chức sơ kết.\n"
            "Dịp này, Liên đoàn Lao động tỉnh tặng Bằng khen cho 12 tập thể và 18 cá nhân.\n")
    assert _awards(text) == [("bang_khen", 12, 18, 30)]


def test_a_caption_restating_part_of_a_body_conferral_adds_no_entry():
    text = ("Công đoàn ngành Xây dựng tổng kết năm 2022\n"
            "Sáng 9/1, Công đoàn ngành Xây dựng tỉnh Long An tổ chức hội nghị tổng kết công tác năm 2022.\n"
            "Lãnh đạo Công đoàn ngành trao Bằng khen cho 6 tập thể.\n"
            "Tại hội nghị, Công đoàn ngành Xây dựng tỉnh đã trao Bằng khen cho 6 tập thể và 11 cá nhân "
            "có thành tích xuất sắc. Hội nghị cũng phát động thi đua năm 2023.\n")
    assert _awards(text) == [("bang_khen", 6, 11, 17)]
    credited = text.replace("trao Bằng khen cho 6 tập thể.\n", "trao Bằng khen cho 6 tập thể. Ảnh: HOÀNG LAM\n")
    assert _awards(credited) == [("bang_khen", 6, 11, 17)]


def test_a_short_line_telling_another_giver_conferral_is_an_entry():
    text = ("Công đoàn ngành Xây dựng tổng kết năm 2022\n"
            "Sáng 9/1, Công đoàn ngành Xây dựng tỉnh Long An tổ chức hội nghị tổng kết công tác năm 2022.\n"
            "UBND tỉnh tặng Bằng khen cho 6 tập thể.\n"
            "Tại hội nghị, Công đoàn ngành Xây dựng tỉnh đã trao Bằng khen cho 6 tập thể và 11 cá nhân "
            "có thành tích xuất sắc. Hội nghị cũng phát động thi đua năm 2023.\n")
    assert sorted(_awards(text), key=str) == sorted([("bang_khen", 6, 11, 17), ("bang_khen", 6, None, 6)], key=str)


def test_a_history_received_from_a_named_giver_is_no_conferral():
    assert _awards("Từ năm 2018 đến nay, huyện đã được Bộ Tài chính tặng 3 Bằng khen về công tác thuế.") == []
