"""Pure functions turning what reporters write into comparable identifiers: phones in E.164,
registration marks, postcodes and the parts of a person's name."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers


class NotNormalisable(ValueError):
    """The value cannot be what it claims to be; the message says why, for the user."""


# Phones ----------------------------------------------------------------------------------------


# "07700 900...", "07700 900xxx", "07700 900???": a reporter's incomplete number, not a phone.
_PARTIAL_PHONE = re.compile(r"(\.\.|…|\?|[xX]{2,}|_)")
# UK mobile numbers (07…) have ten digits after the 0; phonenumbers calls shorter ones "possible"
# because some geographic numbers are shorter.
UK_MOBILE_DIGITS = 10


def _short_uk_mobile(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return (
        number.country_code == 44 and national.startswith("7") and len(national) != UK_MOBILE_DIGITS
    )


def normalise_phone(raw: str) -> str:
    """A UK (or +-prefixed international) phone number in E.164."""
    text = (raw or "").strip()
    if not text:
        raise NotNormalisable("Enter a phone number")
    if _PARTIAL_PHONE.search(text):
        raise NotNormalisable(
            f"“{text}” is only part of a number: record it in the description, not as a phone"
        )
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        raise NotNormalisable(f"“{text}” is not a phone number") from error
    # Possible, not "valid": Ofcom's drama ranges (07700 900xxx) and newly issued ranges are
    # real enough to record; a wrong length is not.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE or _short_uk_mobile(number):
        raise NotNormalisable(
            f"“{text}” is not a possible phone number: check the digits and the area code"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Registration marks ------------------------------------------------------------------------------

# DVLA formats (INF104 "Vehicle registration numbers and number plates"): L = letter, N = digit.
_LETTER, _DIGIT = "[A-Z?]", "[0-9?]"
REGISTRATION_FORMATS: tuple[tuple[str, str], ...] = (
    ("current", f"{_LETTER}{{2}}{_DIGIT}{{2}}{_LETTER}{{3}}"),  # AB12 CDE (2001 on)
    ("prefix", f"{_LETTER}{_DIGIT}{{1,3}}{_LETTER}{{3}}"),  # A123 BCD (1983-2001)
    ("suffix", f"{_LETTER}{{3}}{_DIGIT}{{1,3}}{_LETTER}"),  # ABC 123D (1963-1983)
    ("dateless", f"{_LETTER}{{1,3}}{_DIGIT}{{1,4}}"),  # ABC 1234 (before 1963)
    ("dateless", f"{_DIGIT}{{1,4}}{_LETTER}{{1,3}}"),  # 1234 ABC
)
_FULL = [(name, re.compile(f"^{pattern}$")) for name, pattern in REGISTRATION_FORMATS]
# At least this many characters of a partial mark must have been read for it to be useful.
MIN_KNOWN = 3


@dataclass(frozen=True)
class Registration:
    normalised: str
    format: str
    is_partial: bool


def normalise_registration(raw: str) -> Registration:
    """Upper case without spaces; "?" stands for each character not read ("KX12 ?B?")."""
    text = (raw or "").strip()
    mark = re.sub(r"[\s\-]", "", text).upper().replace("*", "?").replace("_", "?")
    if not mark:
        raise NotNormalisable("Enter a registration mark")
    if not re.fullmatch(r"[A-Z0-9?]+", mark):
        raise NotNormalisable(f"“{text}” has characters a registration mark cannot have")
    if len(mark) > 7:
        raise NotNormalisable(f"“{text}” is too long for a UK registration mark (7 at most)")
    is_partial = "?" in mark
    if is_partial and len(mark) - mark.count("?") < MIN_KNOWN:
        raise NotNormalisable(
            f"“{text}”: at least {MIN_KNOWN} characters of a partial registration must be known"
        )
    for name, pattern in _FULL:
        if pattern.match(mark):
            return Registration(mark, name, is_partial)
    raise NotNormalisable(
        f"“{text}” is not a UK registration mark: expected a format such as AB12 CDE, "
        "A123 BCD or ABC 123D, with ? for characters not read"
    )


def registration_pattern(mark: str) -> str:
    """A regular expression matching every full mark a (partial) mark could be."""
    return "^" + re.escape(mark).replace(r"\?", "?").replace("?", "[A-Z0-9]") + "$"


# Postcodes ---------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(raw: str) -> str:
    """A full UK postcode as Royal Mail writes it: upper case, one space before the inward code."""
    text = (raw or "").strip()
    compact = re.sub(r"\s+", "", text).upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    found = _POSTCODE.match(compact)
    if found is None:
        raise NotNormalisable(f"“{text}” is not a UK postcode, such as NM1 4AB")
    return f"{found.group(1)} {found.group(2)}"


def postcode_district(raw: str) -> str:
    """The outward code of a full postcode, or a district given on its own ("NM2"); "" if none."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    found = _POSTCODE.match(compact)
    if found:
        return found.group(1)
    return compact if _DISTRICT.match(compact) else ""


# Names -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedName:
    given_name: str
    family_name: str
    nickname: str


_QUOTES = "\"'\u201c\u201d\u2018\u2019"
_QUOTED = re.compile(f"[(\\s]*[{_QUOTES}]([^{_QUOTES}]+)[{_QUOTES}][)\\s]*")
_BRACKETED = re.compile(r"\(([^)]+)\)")
_KNOWN_AS = re.compile(r"\b(?:aka|a\.k\.a\.?|also known as|known as|called)\b\s*(.+)$", re.I)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;.-")


def parse_name(raw: str) -> ParsedName:
    """Split a name as written ("Barry ('Bar') Smith", "John Smith aka Tiger", "Tiger") into
    given name, family name and nickname. A single word could be either a first name or a
    street name, so it is kept as both given name and possible nickname."""
    text = _clean(raw or "")
    nickname = ""
    known_as = _KNOWN_AS.search(text)
    if known_as:
        nickname = _clean(known_as.group(1).strip(_QUOTES + "()"))
        text = _clean(text[: known_as.start()])
    quoted = _QUOTED.search(text)
    if quoted:
        nickname = nickname or _clean(quoted.group(1))
        text = _clean(text[: quoted.start()] + " " + text[quoted.end() :])
    bracketed = _BRACKETED.search(text)
    if bracketed:
        nickname = nickname or _clean(bracketed.group(1))
        text = _clean(text[: bracketed.start()] + " " + text[bracketed.end() :])
    words = text.split()
    if not words:
        return ParsedName("", "", nickname)
    if len(words) == 1:
        return ParsedName(words[0], "", nickname or words[0])
    return ParsedName(" ".join(words[:-1]), words[-1], nickname)
