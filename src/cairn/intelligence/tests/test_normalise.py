"""Normalisers: phones, registration marks, postcodes and names (property-based where it counts)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cairn.intelligence.normalise import (
    NotNormalisable,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    parse_name,
    postcode_district,
    registration_pattern,
)

LETTERS = st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ")
DIGITS = st.sampled_from("0123456789")

pytestmark = pytest.mark.django_db


@given(
    st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["0", "+44", "0044"])
)
def test_every_uk_mobile_however_written_normalises_to_one_e164(rest: str, lead: str) -> None:
    mobile = "7" + rest
    for written in (
        f"{lead}{mobile}",
        f"{lead} {mobile[:4]} {mobile[4:]}",
        f"({lead}{mobile[:4]}) {mobile[4:]}",
    ):
        assert normalise_phone(written) == f"+44{mobile}"


@given(st.text(alphabet="0123456789", min_size=1, max_size=3))
def test_too_short_numbers_are_refused_with_a_message(digits: str) -> None:
    with pytest.raises(NotNormalisable, match=r"not a possible phone number|not a phone number"):
        normalise_phone("0" + digits)


@pytest.mark.parametrize("written", ["call me", "", "07700 9001234567"])
def test_unparseable_or_impossible_phones_are_refused(written: str) -> None:
    with pytest.raises(NotNormalisable):
        normalise_phone(written)


@given(
    st.text(alphabet="0123456789", min_size=3, max_size=8),
    st.sampled_from(["...", "…", "xxx", "???", "", " "]),
)
def test_part_of_a_uk_mobile_number_is_never_recorded_as_a_phone(digits: str, tail: str) -> None:
    with pytest.raises(NotNormalisable):
        normalise_phone(f"07{digits}{tail}")


def test_childline_and_other_short_non_mobile_numbers_still_normalise() -> None:
    assert normalise_phone("0800 1111") == "+448001111"


def test_the_drama_range_is_a_possible_number() -> None:
    assert normalise_phone("07700 900123") == "+447700900123"


@given(
    st.tuples(LETTERS, LETTERS, DIGITS, DIGITS, LETTERS, LETTERS, LETTERS),
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
)
def test_current_format_marks_normalise_to_upper_case_without_spaces(
    chars: tuple[str, ...], gap: str, lower: bool
) -> None:
    mark = "".join(chars)
    written = mark[:4] + gap + mark[4:]
    result = normalise_registration(written.lower() if lower else written)
    assert result.normalised == mark
    assert result.format == "current"
    assert not result.is_partial


@given(
    st.tuples(LETTERS, LETTERS, DIGITS, DIGITS, LETTERS, LETTERS, LETTERS),
    st.sets(st.integers(0, 6), max_size=4),
)
def test_partial_marks_keep_a_question_mark_for_each_unread_character(
    chars: tuple[str, ...], unread: set[int]
) -> None:
    mark = "".join("?" if index in unread else char for index, char in enumerate(chars))
    result = normalise_registration(mark[:4] + " " + mark[4:])
    assert result.normalised == mark
    assert result.is_partial == bool(unread)
    assert registration_pattern(mark) and __import__("re").match(
        registration_pattern(mark), "".join(chars)
    )


@pytest.mark.parametrize(
    ("written", "expected", "kind"),
    [
        ("A123 BCD", "A123BCD", "prefix"),
        ("ABC 123D", "ABC123D", "suffix"),
        ("ABC 1234", "ABC1234", "dateless"),
        ("KX12 ?B?", "KX12?B?", "current"),
    ],
)
def test_older_formats_are_recognised(written: str, expected: str, kind: str) -> None:
    result = normalise_registration(written)
    assert (result.normalised, result.format) == (expected, kind)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("12345678", "too long"),
        ("AB12 CD!", "characters"),
        ("1234 5678", "too long"),
        ("ABCD EFG", "not a UK registration"),
        ("??12???", "at least 3"),
    ],
)
def test_impossible_registrations_are_refused_with_a_reason(written: str, message: str) -> None:
    with pytest.raises(NotNormalisable, match=message):
        normalise_registration(written)


@given(
    st.tuples(
        LETTERS,
        LETTERS,
        st.sampled_from("123456789"),
        DIGITS,
        st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"),
        st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"),
    ),
    st.sampled_from(["", " ", "   "]),
)
def test_postcodes_normalise_to_outward_space_inward(parts: tuple[str, ...], gap: str) -> None:
    outward, inward = "".join(parts[:3]), "".join(parts[3:])
    assert normalise_postcode(f"{outward}{gap}{inward}".lower()) == f"{outward} {inward}"
    assert postcode_district(f"{outward}{inward}") == outward


@pytest.mark.parametrize("written", ["NM1", "12345", "NM1 4CC!", "Station Road"])
def test_non_postcodes_are_refused(written: str) -> None:
    with pytest.raises(NotNormalisable, match="not a UK postcode"):
        normalise_postcode(written)


@pytest.mark.parametrize(
    ("written", "given_name", "family_name", "nickname"),
    [
        ("Barry ('Bar')", "Barry", "", "Bar"),
        ('Mo "Big Mo" Khan', "Mo", "Khan", "Big Mo"),
        ("John Smith aka Tiger", "John", "Smith", "Tiger"),
        ("Darren Lee known as 'D'", "Darren", "Lee", "D"),
        ("Tiger", "Tiger", "", "Tiger"),
        ("Frank Wrigght", "Frank", "Wrigght", ""),
        ("Anna Maria Jones (Annie)", "Anna Maria", "Jones", "Annie"),
    ],
)
def test_names_split_into_parts_with_nicknames(
    written: str, given_name: str, family_name: str, nickname: str
) -> None:
    parsed = parse_name(written)
    assert (parsed.given_name, parsed.family_name, parsed.nickname) == (
        given_name,
        family_name,
        nickname,
    )
