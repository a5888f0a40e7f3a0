"""Replace personal identifiers in free text with placeholders, keeping everything else.

`redact("call me on 07700 900123")` gives "call me on [PHONE]". Patterns run in a fixed
order, most specific first, so that a date of birth is not taken for a phone number.
They run on a normalised copy (NFKC, every kind of space a space, every dash a hyphen),
because phones insert no-break and thin spaces and text editors make dashes; what they
leave unchanged is returned as the patient wrote it.
The rules lean towards redacting: a long number that is neither a card nor a phone
number is still replaced ([ID]). Look-alikes that carry meaning for review stay:
doses, ages, years, times, form numbers, and the help lines the assistant itself
shows (read from content/resources.yml, so a new help line needs no code change).

Names are not redacted: that needs a named-entity model, not patterns. The numeric
identifiers (ID numbers, cards, phone numbers, IP addresses) are in redaction_numbers.
"""
import re
import unicodedata
from functools import lru_cache
from typing import Callable, FrozenSet, List, NamedTuple, Pattern, Tuple

from transcripts import redaction_numbers as numbers
from transcripts.redaction_numbers import CARD, ID, IP, PHONE, luhn_ok  # noqa: F401 (the public names)

EMAIL, URL, DOB, ADDRESS, HANDLE = "[EMAIL]", "[URL]", "[DOB]", "[ADDRESS]", "[HANDLE]"


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

# A host alone counts as a web address on these top-level domains; on any other, only
# with a path (t.me/sam). Those that are also English words count after a name, not after
# a common word glued on by a full stop ("help.me", "tell.us").
_EMAIL_TLDS = "com|org|net|edu|gov|mil|info|biz|io|uk|ca|au|nz|ie|eu|de|fr|app|dev|health|online"
_TLDS = _EMAIL_TLDS + "|co|me|us|ly|ee|gg|tv|xyz|ai|fm"
_WORD_TLDS = {"me", "us", "co"}
_COMMON_WORDS = set(
    "help tell call text ask show let give send email message find kill hurt hug save trust"
    " believe love hate meet join hold leave see with for to from about like on it that this"
    " just and or but so of all please excuse forgive".split()
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "sam at gmail dot com", "sam(at)gmail(dot)com": a spelt-out "dot" or a bracketed "at"
# is required, so that "I looked at webmd.com" is not taken for an address
_AT, _DOT = r"(?:\s*[(\[]at[)\]]\s*|\s+at\s+)", r"(?:\s*[(\[]dot[)\]]\s*|\s+dot\s+)"
_SPELT_EMAIL = re.compile(
    rf"(?i)(?<![\w.+-])[\w.+-]+(?:{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}(?:{_EMAIL_TLDS}|co)\b"
    rf"|\s*[(\[]at[)\]]\s*[\w-]+(?:\.[\w-]+)+)"
)

_HOST = r"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
_URL = re.compile(
    rf"""(?ix)
    (?:https?://|ftp://|www\.)[^\s<>"']+
    | {_HOST}(?:{_TLDS})\b(?:[/?#][^\s<>"']*)?
    | {_HOST}[a-z]{{2,24}}(?:/\w|\?\w+=)[^\s<>"']*  # any top-level domain, with a path: t.me/sam
    """
)
_TRAILING = ".,;:!?)]}'\""
_URL_HOST = re.compile(r"(?i)(?:[a-z]+://)?(?:www\.)?([^/?#]*)")


def _url(match: re.Match, keep: Keep) -> str:
    url = match.group(0)
    stripped = url.rstrip(_TRAILING)
    prefix = _URL_HOST.match(stripped)
    host, rest = prefix.group(1).lower(), stripped[prefix.end():]
    if host in keep.hosts:
        # A help line's path or query can carry a name (988lifeline.org/chat?name=...)
        return url if rest in ("", "/") else stripped[:prefix.end() + 1] + URL + url[len(stripped):]
    labels = host.split(".")
    if not rest and labels[-1] in _WORD_TLDS and len(labels) == 2 and labels[0] in _COMMON_WORDS:
        return url  # "kill.me", "tell.us": words glued by a full stop
    return URL + url[len(stripped):]


# Twitter, Instagram, Telegram: a handle starts with a letter, so "@5pm" is a time and
# "meet @ 5" is "at"
_HANDLE = re.compile(r"(?<![\w@.+-])@[^\W\d][\w.]{0,29}(?<![.])")


# --- dates of birth: only after a cue such as "born" or "DOB" -------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}[-/.]{_MONTH}[-/.](?:\d{{4}}|\d{{2}})"  # 03-Apr-1985
    rf"|{_MONTH}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"  # Apr-03-1985
    rf"|\d{{4}}[-/.]{_MONTH}[-/.]\d{{1,2}}"  # 1985-Apr-03
    rf"|(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH},?(?:\s+(?:\d{{4}}|'?\d{{2}}))?"  # 3rd Apr 85
    rf"|{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH},?\s+\d{{4}})"
)
_DOB = re.compile(
    rf"(?i)\b(born(?:\s+on|\s+in)?|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday(?:'s)?)"
    rf"(\s*(?:is|was|=|:|-)?\s*(?:on\s+)?)({_DATE})(?!\w)"
)

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


def _classified(classify: numbers.Classify) -> Callable[[re.Match, Keep], str]:
    return lambda match, keep: classify(match.group(0), keep) or match.group(0)


def _in_spans(classify: numbers.Classify, digits=(7, 19), whole=False) -> Callable[[re.Match, Keep], str]:
    """Classify a run of digits whole, or find the longest identifiers inside it."""
    def replace(match: re.Match, keep: Keep) -> str:
        if numbers.followed_by_word(match.string, match.end()):
            return match.group(0)
        if whole:
            return classify(match.group(0), keep) or match.group(0)
        return numbers.longest_spans(match.group(0), keep, classify, digits)

    return replace


def _after_cue(placeholder: str) -> Callable[[re.Match, Keep], str]:
    """Keep the cue ("DOB", "NHS number is") and replace only the value."""
    return lambda match, keep: match.group(1) + match.group(2) + placeholder


def _tel(match: re.Match, keep: Keep) -> str:
    placeholder = numbers.tel_link(match.group(3), keep)
    return match.group(1) + match.group(2) + placeholder if placeholder else match.group(0)


_RULES: List[Tuple[Pattern, Callable[[re.Match, Keep], str]]] = [
    (_EMAIL, _fixed(EMAIL)),
    (_SPELT_EMAIL, _fixed(EMAIL)),
    (_URL, _url),
    (_HANDLE, _fixed(HANDLE)),
    (numbers.TEL_LINK, _tel),
    (numbers.IPV6, _classified(numbers.ip)),
    (numbers.IPV4, _classified(numbers.ip)),
    (_DOB, _after_cue(DOB)),
    (numbers.ID_AFTER_CUE, _after_cue(ID)),
    (numbers.SSN, _fixed(ID)),
    (numbers.NINO, _fixed(ID)),
    (numbers.LONG_NUMBER, _in_spans(numbers.card, digits=(13, 19))),
    (numbers.LONGER_NUMBER, _fixed(ID)),
    (numbers.SPACED_DIGITS, _in_spans(numbers.spaced_digits, whole=True)),
    (numbers.PHONE_RUN, _in_spans(numbers.phone, digits=(7, 15))),
    (_STREET, _fixed(ADDRESS)),
    (_US_CITY_STATE_ZIP, _fixed(ADDRESS)),
    (_POSTCODE, _postcode),
]


# Invisible and meaningless, so dropped: placed inside an address they would split it
# ("sam\u200b@gmail.com"). Joiners stay (emoji sequences need them) and match as spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))


@lru_cache(maxsize=4096)
def _normal(char: str) -> str:
    """One character for one, so that positions in the copy are positions in the text."""
    category = unicodedata.category(char)
    if category in ("Zs", "Cf"):  # no-break, thin and narrow spaces; zero-width joiners
        return " "
    if category == "Pd" or char == "\u2212":  # en and em dashes, no-break hyphen, minus
        return "-"
    nfkc = unicodedata.normalize("NFKC", char)
    return nfkc if len(nfkc) == 1 else char  # full-width digits and @; not ligatures


def _substitute(pattern: Pattern, replace, keep: Keep, text: str, origin: List[int]):
    """`pattern.sub`, also carrying for each character of the result the position in the
    patient's text it came from (-1 inside a placeholder)."""
    out: List[str] = []
    mapped: List[int] = []
    done = 0
    for match in pattern.finditer(text):
        old = match.group(0)
        new = replace(match, keep)
        if new == old:
            continue
        start, end = match.span()
        # What the replacement keeps at either end (a cue, trailing punctuation) keeps its origin
        head = len(_common_prefix(old, new))
        tail = min(len(_common_prefix(old[::-1], new[::-1])), len(old) - head, len(new) - head)
        out += [text[done:start], new]
        mapped += origin[done:start + head]
        mapped += [-1] * (len(new) - head - tail)
        mapped += origin[end - tail:end] if tail else []
        done = end
    if not out:
        return text, origin
    out.append(text[done:])
    mapped += origin[done:]
    return "".join(out), mapped


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return a[:n]


def redact(text: str, keep: Keep = None) -> str:
    """`text` with personal identifiers replaced by placeholders such as [PHONE]."""
    if not text:
        return text
    keep = help_lines() if keep is None else keep
    text = text.translate(_INVISIBLE)
    normal = "".join(map(_normal, text))
    origin = list(range(len(text)))
    for pattern, replace in _RULES:
        normal, origin = _substitute(pattern, replace, keep, normal, origin)
    return "".join(text[i] if i >= 0 else char for char, i in zip(normal, origin))
