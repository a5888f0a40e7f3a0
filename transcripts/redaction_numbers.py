"""The numeric identifiers for transcripts.redaction: ID numbers, cards, phone numbers, IPs.

Each classifier takes the text a pattern found and the help lines to keep (anything with a
`numbers` set of digit strings), and returns a placeholder or None to leave the text alone.
The patterns for runs of any length (PHONE_RUN, SPACED_DIGITS) have no trailing look-ahead:
one that fails after every digit of a long run, tried from every start, is quadratic. The
caller checks what follows instead (`followed_by_word`). The other patterns are bounded.
"""
import ipaddress
import re
from functools import lru_cache
from itertools import accumulate
from typing import Callable, Optional, Tuple

import phonenumbers

ID, CARD, PHONE, IP = "[ID]", "[CARD]", "[PHONE]", "[IP]"

_ID_CUE = (
    r"ssn|social\s+security(?:\s+number)?|nhs(?:\s+number)?|national\s+insurance(?:\s+number)?"
    r"|ni\s+number|medicare(?:\s+number)?|medicaid(?:\s+number)?|passport(?:\s+number)?"
    r"|driver'?s?\s+licen[cs]e(?:\s+number)?|licen[cs]e\s+number|mrn|medical\s+record(?:\s+number)?"
    r"|hospital\s+number|patient\s+(?:id|number)|member\s+(?:id|number)|policy\s+number"
    r"|insurance\s+(?:id|number)|claim\s+number|file\s+number|account\s+number|tax\s+id"
    r"|service\s+number|dod\s+id|id\s+number|id"
)
ID_AFTER_CUE = re.compile(
    rf"(?i)\b({_ID_CUE})(\s*(?:no\.?|#)?\s*(?:is|was|=|:|-)?\s*)([a-z]{{0,3}}[\s-]?\d[\d -]{{2,20}}\d(?:[\s-]?[a-z])?)(?!\w)"
)
# 123-45-6789, 123.45.6789, 123 . 45 . 6789
_SSN_SEP = r"(?:\s?[-.]\s?|\s)"
SSN = re.compile(rf"(?<![\d.-])\d{{3}}{_SSN_SEP}\d{{2}}{_SSN_SEP}\d{{4}}(?![\d-]|\.\d)")
# UK National Insurance number: QQ 12 34 56 C, QQ-12-34-56-C, QQ.123456.C
_NI_SEP = r"[\s.-]?"
NINO = re.compile(
    rf"(?i)\b[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]{_NI_SEP}\d{{2}}{_NI_SEP}\d{{2}}{_NI_SEP}\d{{2}}{_NI_SEP}[a-d]\b"
)

# IP addresses are validated by the standard library, so "10:30:45" and "3.6.21" stay.
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?!\w|\.\d)")
IPV6 = re.compile(r"(?i)(?<![\w:.])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])")


def ip(candidate: str, keep) -> Optional[str]:
    if len(re.findall(r"[0-9a-fA-F]+", candidate)) < 3:
        return None  # "::", "a:b": punctuation, not an address
    address = candidate if candidate.count(":") != 1 else candidate.split(":")[0]  # a port
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return IP


# --- card numbers, phone numbers ------------------------------------------------------

LONG_NUMBER = re.compile(r"(?<![\d.])(?:\d[ -]?){12,18}\d(?![\d.])")
# Longer than any card or phone number, and so of no use to review either
LONGER_NUMBER = re.compile(r"\d{20,}")
Classify = Callable[[str, object], Optional[str]]

# Identifiers have at most this many space-separated groups ("+33 6 12 34 56 78").
MAX_PIECES = 7


def longest_spans(text: str, keep, classify: Classify, digits: Tuple[int, int]) -> str:
    """From left to right, replace the longest run of pieces that `classify` names.

    A number typed right next to another ("I'm 34 5551234567") makes one long match;
    trying shorter runs finds the identifier inside it. Runs are capped, so the work
    stays linear in the length of the message; runs with fewer or more digits than
    `digits` allows are not even classified, which keeps a long message of digits cheap.
    """
    pieces = [m.span() for m in re.finditer(r"\S+", text)]
    counts = list(accumulate((sum(c.isdigit() for c in text[a:b]) for a, b in pieces), initial=0))
    out, done, i = [], 0, 0
    while i < len(pieces):
        for size in range(min(MAX_PIECES, len(pieces) - i), 0, -1):
            if not digits[0] <= counts[i + size] - counts[i] <= digits[1]:
                continue
            start, end = pieces[i][0], pieces[i + size - 1][1]
            if text[start] == "(" and text.count("(", start, end) > text.count(")", start, end):
                start += 1  # "(555 123 4567": the bracket belongs to the sentence
            placeholder = classify(text[start:end], keep)
            if placeholder:
                out += [text[done:start], placeholder]
                done, i = end, i + size
                break
        else:
            i += 1
    return "".join(out) + text[done:]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card(candidate: str, keep) -> Optional[str]:
    digits = re.sub(r"\D", "", candidate)
    groups = [len(g) for g in re.split(r"[ -]+", candidate)]
    card_shaped = len(groups) == 1 or groups in ([4, 6, 5], [4, 6, 4]) or (
        all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4
    )
    if not card_shaped or not 13 <= len(digits) <= 19:
        return None
    if digits[0] in "23456" and luhn_ok(digits):
        return CARD
    return ID if len(digits) > 15 else None  # 13-15 digits may be a phone number


# No trailing look-ahead (see the module's docstring)
PHONE_RUN = re.compile(r"(?<![\w.+/:-])(?:\+|00)?\(?\d(?:[ .()/-]{0,3}\d)+")
# One digit at a time: "0 7 7 0 0 9 0 0 1 2 3"
SPACED_DIGITS = re.compile(r"(?<![\w.+/:-])\d(?:[ .-]{1,3}\d)+")
# A link a phone makes of a number: "tel:+447700900123"
TEL_LINK = re.compile(r"(?i)\b(tel|sms|callto|facetime|whatsapp)(:\s*)(\+?\(?\d[\d ().-]{0,30}\d)")
_DATE_SHAPE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Where the people the assistant serves live; all but the US dial a leading 0 at home.
_REGIONS = ("US", "GB", "IE", "AU", "NZ")


@lru_cache(maxsize=1024)
def dialable(digits: str) -> bool:
    """libphonenumber's view: a full number of a possible length in one of `_REGIONS`."""
    for region in _REGIONS:
        if region != "US" and not digits.startswith("0"):
            continue
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number_with_reason(number) == phonenumbers.ValidationResult.IS_POSSIBLE:
            return True
    return False


def followed_by_word(text: str, end: int) -> bool:
    """A run of digits glued to a word, a path or a decimal is not a phone number on its own."""
    return end < len(text) and (
        text[end].isalnum() or text[end] in "_:/" or (text[end] == "." and text[end + 1: end + 2].isdigit())
    )


def phone(candidate: str, keep) -> Optional[str]:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or digits in keep.numbers:
        return None
    if _DATE_SHAPE.fullmatch(candidate):
        return None
    groups = re.findall(r"\d+", candidate)
    if len(groups) == 2 and all(_YEAR.fullmatch(g) for g in groups):
        return None  # a range of years, 2015-2019
    if candidate.startswith(("+", "00")):
        return PHONE
    if ("." in candidate or "/" in candidate) and not dialable(digits):
        return None  # a version number, a decimal, a fraction
    if groups[0] == "1" and len(groups) > 1:  # US country code
        groups = groups[1:]
    shortest = 2 if candidate.lstrip("(").startswith("0") else 3
    return PHONE if all(len(g) >= shortest for g in groups) else None  # else small numbers


def spaced_digits(candidate: str, keep) -> Optional[str]:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or digits in keep.numbers:
        return None
    steps = {int(b) - int(a) for a, b in zip(digits, digits[1:])}
    if steps in ({1}, {-1}):
        return None  # counting, "1 2 3 4 5 6 7 8 9"
    return PHONE if dialable(digits) else None


def tel_link(candidate: str, keep) -> Optional[str]:
    digits = re.sub(r"\D", "", candidate)
    return None if len(digits) < 5 or digits in keep.numbers else PHONE
