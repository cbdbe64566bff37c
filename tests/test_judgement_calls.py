"""The "Judgement calls" of ../shared/spec/RECORD.md, each on a made-up sentence of its shape."""
from __future__ import annotations

from extractor import extract


def _orgs(text: str) -> set[str]:
    return {o.name for o in extract(text).organizations}


def test_a_parent_named_only_inside_an_organ_is_no_entry():
    orgs = _orgs("Sáng 3-5, Ban Thường vụ Tỉnh ủy Quảng Trị tổ chức hội nghị sơ kết công tác dân vận.")
    assert "Ban Thường vụ Tỉnh ủy Quảng Trị" in orgs
    assert "Tỉnh ủy Quảng Trị" not in orgs
