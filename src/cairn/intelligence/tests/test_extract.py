"""Extraction from narratives as reporters write them."""

from __future__ import annotations

import pytest

from cairn.intelligence.extract import suggestions

TIGER = (
    "a man called Tiger, 30s, silver Astra KX12 ?B?, picked up two girls outside the takeaway "
    "on Station Road, phone 07700 900123"
)

pytestmark = pytest.mark.django_db


def test_the_tiger_report_yields_the_partial_plate_and_the_phone() -> None:
    found = [
        (item.kind, item.text, item.normalised, item.is_partial) for item in suggestions(TIGER)
    ]
    assert found == [
        ("vehicle", "KX12 ?B?", "KX12?B?", True),
        ("phone", "07700 900123", "+447700900123", False),
    ]


def test_each_suggestion_knows_where_it_was_found() -> None:
    for item in suggestions(TIGER):
        assert TIGER[item.start : item.end] == item.text


def test_mixed_formats_postcodes_and_older_plates_are_all_found() -> None:
    text = (
        "Seen at 14 Mill Lane, NM1 4AB in a black Audi A3 WX19 DAV, later an old Escort "
        "A123 BCD. Numbers given: (07858) 992977 and +44 7968 936803."
    )
    found = {(item.kind, item.normalised) for item in suggestions(text)}
    assert found == {
        ("postcode", "NM1 4AB"),
        ("vehicle", "WX19DAV"),
        ("vehicle", "A123BCD"),
        ("phone", "+447858992977"),
        ("phone", "+447968936803"),
    }


def test_model_names_roads_times_and_years_are_not_suggested() -> None:
    text = "Audi A3 on the M6 at 10pm in 2023, about 15 years old, flat 12."
    assert suggestions(text) == []


def test_a_repeated_number_is_suggested_once() -> None:
    assert len(suggestions("07700 900123 ... call 07700900123 again")) == 1
