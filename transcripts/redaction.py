"""Replace personal identifiers in free text with placeholders, keeping everything else.

`redact("call me on 07700 900123")` gives "call me on [PHONE]". Patterns run in a fixed
order, most specific first, so that a date of birth is not taken for a phone number.
The rules lean towards redacting: a long number that is neither a card nor a phone
number is still replaced ([ID]). Look-alikes that carry meaning for review stay:
doses, ages, years, times, form numbers, and the help lines the assistant itself
shows (read from content/resources.yml, so a new help line needs no code change).

Names are not redacted: that needs a named-entity model, not patterns.
"""
import re
from functools import lru_cache
from typing import Callable, FrozenSet, List, NamedTuple, Optional, Pattern, Tuple

EMAIL, URL, DOB, ID, CARD, PHONE, ADDRESS = (
    "[EMAIL]", "[URL]", "[DOB]", "[ID]", "[CARD]", "[PHONE]", "[ADDRESS]"
)


class Keep(NamedTuple):
    """Numbers (digits only) and web hosts that are public, not personal."""

    numbers: FrozenSet[str]
    hosts: FrozenSet[str]


@lru_cache(maxsize=None)
def help_lines() -> Keep:
    """The numbers and sites of the help lines the assistant gives out."""
    import content

    numbers, hosts = set(), set()
    for item in content.resources()["resources"].values():
        how = item["how"]
        for run in re.findall(r"\d[\d -]*\d|\d", how):
            digits = re.sub(r"\D", "", run)
            if len(digits) >= 3:  # not the "1" of "press 1"
                numbers.add(digits)
            if len(digits) == 11 and digits.startswith("1"):  # also without the US "1-"
                numbers.add(digits[1:])
        hosts.update(h.lower() for h in re.findall(r"[\w-]+(?:\.[\w-]+)+", how))
    return Keep(frozenset(numbers), frozenset(hosts))


# --- e-mail and web addresses --------------------------------------------------------

# Only top-level domains that are not also English words a patient might glue to a
# full stop ("help.me", "tell.us").
_TLDS = "com|org|net|edu|gov|mil|info|biz|io|uk|ca|au|nz|ie|eu|de|fr|app|dev|health|online"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "sam at gmail dot com", "sam(at)gmail(dot)com": a spelt-out "dot" or a bracketed "at"
# is required, so that "I looked at webmd.com" is not taken for an address
_AT, _DOT = r"(?:\s*[(\[]at[)\]]\s*|\s+at\s+)", r"(?:\s*[(\[]dot[)\]]\s*|\s+dot\s+)"
_SPELT_EMAIL = re.compile(
    rf"(?i)(?<![\w.+-])[\w.+-]+(?:{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}(?:{_TLDS}|co)\b"
    rf"|\s*[(\[]at[)\]]\s*[\w-]+(?:\.[\w-]+)+)"
)

_URL = re.compile(
    rf"""(?ix)
    (?:https?://|ftp://|www\.)[^\s<>"']+
    | (?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})\b(?:[/?#][^\s<>"']*)?
    """
)
_TRAILING = ".,;:!?)]}'\""


def _url(match: re.Match, keep: Keep) -> str:
    url = match.group(0)
    stripped = url.rstrip(_TRAILING)
    host = re.sub(r"^(?:[a-z]+://)?(?:www\.)?", "", stripped.lower()).split("/")[0].split("?")[0]
    if host in keep.hosts:
        return url
    return URL + url[len(stripped):]


# --- dates of birth: only after a cue such as "born" or "DOB" -------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    rf"|(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH},?(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH},?\s+\d{{4}})"
)
_DOB = re.compile(
    rf"(?i)\b(born(?:\s+on|\s+in)?|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday(?:'s)?)"
    rf"(\s*(?:is|was|=|:|-)?\s*(?:on\s+)?)({_DATE})(?!\w)"
)

# --- ID numbers -----------------------------------------------------------------------

_ID_CUE = (
    r"ssn|social\s+security(?:\s+number)?|nhs(?:\s+number)?|national\s+insurance(?:\s+number)?"
    r"|ni\s+number|medicare(?:\s+number)?|medicaid(?:\s+number)?|passport(?:\s+number)?"
    r"|driver'?s?\s+licen[cs]e(?:\s+number)?|licen[cs]e\s+number|mrn|medical\s+record(?:\s+number)?"
    r"|hospital\s+number|patient\s+(?:id|number)|member\s+(?:id|number)|policy\s+number"
    r"|insurance\s+(?:id|number)|claim\s+number|file\s+number|account\s+number|tax\s+id"
    r"|service\s+number|dod\s+id|id\s+number|id"
)
_ID_AFTER_CUE = re.compile(
    rf"(?i)\b({_ID_CUE})(\s*(?:no\.?|#)?\s*(?:is|was|=|:|-)?\s*)([a-z]{{0,3}}\s?\d[\d -]{{2,20}}\d(?:\s?[a-z])?)(?!\w)"
)
_SSN = re.compile(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])")
# UK National Insurance number, e.g. QQ 12 34 56 C
_NINO = re.compile(
    r"(?i)\b[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d]\b"
)

# --- card numbers, phone numbers ------------------------------------------------------

_LONG_NUMBER = re.compile(r"(?<![\d.])(?:\d[ -]?){12,18}\d(?![\d.])")
Classify = Callable[[str, Keep], Optional[str]]


# Identifiers have at most this many space-separated groups ("+33 6 12 34 56 78").
MAX_PIECES = 7


def _longest_spans(text: str, keep: Keep, classify: Classify) -> str:
    """From left to right, replace the longest run of pieces that `classify` names.

    A number typed right next to another ("I'm 34 5551234567") makes one long match;
    trying shorter runs finds the identifier inside it. Runs are capped, so the work
    stays linear in the length of the message.
    """
    pieces = [m.span() for m in re.finditer(r"\S+", text)]
    out, done, i = [], 0, 0
    while i < len(pieces):
        for size in range(min(MAX_PIECES, len(pieces) - i), 0, -1):
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


def _card(candidate: str, keep: Keep) -> Optional[str]:
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


_PHONE = re.compile(r"(?<![\w.+/:-])(?:\+|00)?\(?\d(?:[ .()-]{0,3}\d)+(?![\w:/])")
_DATE_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _phone(candidate: str, keep: Keep) -> Optional[str]:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or digits in keep.numbers:
        return None
    if _DATE_SHAPE.fullmatch(candidate):
        return None
    international = candidate.startswith(("+", "00"))
    if "." in candidate and not international and not re.fullmatch(
        r"\(?\d{3}\)?\.\d{3}\.\d{4}", candidate
    ):
        return None  # a version number or a decimal
    groups = re.findall(r"\d+", candidate)
    if len(groups) == 2 and all(_YEAR.fullmatch(g) for g in groups):
        return None  # a range of years, 2015-2019
    if international:
        return PHONE
    if groups[0] == "1" and len(groups) > 1:  # US country code
        groups = groups[1:]
    shortest = 2 if candidate.lstrip("(").startswith("0") else 3
    return PHONE if all(len(g) >= shortest for g in groups) else None  # else small numbers


# --- street addresses and postcodes ---------------------------------------------------

_STOP = (
    r"the|a|an|of|on|in|at|to|for|from|down|up|my|his|her|their|our|your|this|that|and|or|by"
    r"|with|across|along|over|near|off|into|onto|per|times|pills|tablets|mg|miles|km|minutes"
    r"|hours|days|weeks|months|years|blocks|doors|houses|streets|roads|same|other|different"
)
_NAME_WORD = rf"(?!(?:{_STOP})\b)[a-z][a-z'-]*"
# Lower case is accepted with suffixes that are rarely anything but part of an address;
# the ambiguous ones ("way", "row", "close", "court") need a capitalised street name.
_PLAIN_SUFFIX = (
    r"street|st\.?|road|rd\.?|avenue|ave\.?|boulevard|blvd\.?|lane|terrace|crescent|highway"
    r"|hwy|parkway|drive"
)
_CAPITAL_SUFFIX = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Close"
    r"|Crescent|Terrace|Highway|Hwy|Parkway|Square|Sq|Gardens|Grove|Circle|Trail|Row|Mews|Walk"
)
_UNIT = r"(?:,?\s+(?:apt|apartment|unit|flat|suite|#)\.?\s*\w+)?"
_NUMBER = r"\b\d{1,5}[a-zA-Z]?(?:\s*[-/]\s*\d{1,5}[a-zA-Z]?)?"
_STREET = re.compile(
    rf"{_NUMBER}\s+(?:"
    rf"(?i:(?:{_NAME_WORD}\s+){{1,3}}(?:{_PLAIN_SUFFIX}))"
    rf"|(?:[A-Z][a-zA-Z'-]*\s+){{1,3}}(?:{_CAPITAL_SUFFIX})\.?"
    rf")(?![\w])(?i:{_UNIT})"
)
_POSTCODE = re.compile(r"(?i)\b(?:[a-z]{1,2}\d[a-z\d]?|gir)\s*\d[abd-hjlnp-uw-z]{2}\b")
_US_CITY_STATE_ZIP = re.compile(r"\b[A-Z][a-zA-Z]+,\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")


def _postcode(match: re.Match, keep: Keep) -> str:
    text = match.group(0)
    if text[-2:] in ("st", "nd", "rd", "th"):  # "b12 2nd": an ordinal, not a postcode
        return text
    return ADDRESS


def _fixed(placeholder: str) -> Callable[[re.Match, Keep], str]:
    return lambda match, keep: placeholder


def _in_spans(classify: Classify) -> Callable[[re.Match, Keep], str]:
    return lambda match, keep: _longest_spans(match.group(0), keep, classify)


def _after_cue(placeholder: str) -> Callable[[re.Match, Keep], str]:
    """Keep the cue ("DOB", "NHS number is") and replace only the value."""
    return lambda match, keep: match.group(1) + match.group(2) + placeholder


_RULES: List[Tuple[Pattern, Callable[[re.Match, Keep], str]]] = [
    (_EMAIL, _fixed(EMAIL)),
    (_SPELT_EMAIL, _fixed(EMAIL)),
    (_URL, _url),
    (_DOB, _after_cue(DOB)),
    (_ID_AFTER_CUE, _after_cue(ID)),
    (_SSN, _fixed(ID)),
    (_NINO, _fixed(ID)),
    (_LONG_NUMBER, _in_spans(_card)),
    (_PHONE, _in_spans(_phone)),
    (_STREET, _fixed(ADDRESS)),
    (_US_CITY_STATE_ZIP, _fixed(ADDRESS)),
    (_POSTCODE, _postcode),
]


def redact(text: str, keep: Keep = None) -> str:
    """`text` with personal identifiers replaced by placeholders such as [PHONE]."""
    if not text:
        return text
    keep = help_lines() if keep is None else keep
    for pattern, replace in _RULES:
        text = pattern.sub(lambda match: replace(match, keep), text)
    return text
