"""Numbers that are not figures: dates, years, times, document numbers, list numbering, labels, sequences.

Press text is full of numbers that measure nothing: ``on February 12``, ``đến năm 2030``, ``10:51``,
``Nghị định số 42/2022/NĐ-CP``, ``Decision No. 749/QD-TTg``, ``1.1. Thông tin chung``, ``Bước 1:``,
``mức độ 4``, ``lần thứ 10``, ``the 4th Industrial Revolution``, ``per 100 inhabitants``,
``6 tháng đầu năm``, ``COVID-19``. The figure parser and the extractor both ask this module what the
words around a number say, so the two agree on what is not a figure.

Every function here reads the parser's normalised text (lower case, NFKC, whitespace runs collapsed to one
space, or to one newline where the run held one). ``before`` is a short window of the text that precedes
the number (the caller bounds it), ``s``/``pos`` the text and the position right after the number's
digits or words. The regular expressions are anchored and hold no two unbounded loops in a row, so each
call costs time proportional to the window, never more.

What each cue means is a :class:`Cue`; whether it makes the number an error can depend on the rest of
the figure (a ``mức`` before ``45%`` is a level *value*, a ``mức`` before a bare ``2`` a label), which the
parser decides.
"""

from __future__ import annotations

import enum
import re

__all__ = [
    "COUNTED_NOUNS",
    "Cue",
    "after_cue",
    "before_cue",
    "is_year_like",
    "shape_cue",
]


class Cue(enum.Enum):
    """What the words around a number say it is. ``value`` is the reason given to the user."""

    DATE = "a date"
    YEAR = "a year"
    YEAR_RANGE = "a period of years"
    TIME = "a time of day"
    DOCUMENT = "a document or article number ('Nghị định 42/2022/NĐ-CP', 'Decision No. 749')"
    LIST = "list numbering"
    LABEL = "a level, step or group label ('level 4', 'mức độ 3', 'bước 1'), not a quantity"
    SEQUENCE = "a sequence number ('lần thứ 10', 'the 4th Industrial Revolution'), not a rank"
    WEEKDAY = "a day of the week ('thứ hai' after 'ngày', 'sáng', 'phiên')"
    FREQUENCY = "a frequency or a rate's denominator ('per 100', 'every two years', '2 năm một lần')"
    PERIOD = "a period of the year ('6 tháng đầu năm', 'the first four months', 'quý 3')"
    FRACTION_OF = "a fraction of a figure ('half of', 'một nửa'); write the figure itself"
    CODE = "part of a name or code ('COVID-19', 'level-4', 'GMT+7', 'G20', '5G', 'Industry 4.0')"
    CONTINUATION = "the second part of a date, time, ratio or range"
    RANGE = "a range ('40-50'), not one figure"
    IDIOM = "an idiom ('hai con số' = double-digit), not a figure"
    NUMBER_LABEL = "a number label ('No. 4') with no rank cue; say whether it is a rank"


_L = r"[^\W\d_]"  # one letter
_NB = rf"(?<!{_L})"  # not preceded by a letter
_NA = rf"(?!{_L})"  # not followed by a letter

#: English month names and their abbreviations (``may`` only counts where a day or year follows).
MONTHS_EN: tuple[str, ...] = (
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec",
)  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(MONTHS_EN, key=len, reverse=True)) + r")\.?"
_MONTH_OR_MAY = rf"(?:{_MONTH}|may(?=,?\s?[0-9]))"

#: Nouns that, right before a number, make it the number of a legal document or of one of its parts.
DOCUMENT_NOUNS: tuple[str, ...] = (
    "nghị định", "nghị quyết", "quyết định", "thông tư liên tịch", "thông tư", "thông báo", "chỉ thị",
    "công văn", "công điện", "đề án", "tờ trình", "văn bản", "pháp lệnh", "decree", "decision",
    "resolution", "circular", "directive", "ordinance", "dispatch", "official letter",
)  # fmt: skip
#: Nouns that, right before a bare number, make it a label ("level 4", "bước 1"), not a quantity.
LABEL_NOUNS: tuple[str, ...] = (
    "levels", "level", "mức độ", "mức", "cấp độ", "bước", "steps", "step", "phase", "stage",
    "giai đoạn", "phần", "part", "mục", "tier", "version", "phiên bản", "quốc lộ", "highway", "route",
    "nhóm", "group", "vùng", "zone", "loại", "type", "category", "tiêu chí", "criterion", "trụ cột",
    "pillar", "khu", "phòng", "room", "tầng", "floor", "lớp", "grade", "điều", "khoản", "chương",
    "article", "clause", "chapter", "section", "luật", "law", "kế hoạch", "chương trình",
)  # fmt: skip
#: Nouns that come before ``thứ N`` when N numbers an occurrence, not a place in a ranking.
_SEQUENCE_NOUNS_VI = (
    "lần", "kỳ họp", "kỳ", "phiên họp", "phiên", "hội nghị", "đại hội", "khóa", "khoá", "năm", "đợt",
    "vòng", "buổi", "cuộc họp", "tuần", "tháng", "ngày", "thế hệ", "cuộc cách mạng công nghiệp",
)  # fmt: skip
#: Nouns that follow an English ordinal that numbers an occurrence ("the 11th year", "4th time").
_SEQUENCE_NOUNS_EN_NEXT = (
    "time", "times", "year", "years", "consecutive", "straight", "successive", "round", "term", "century",
    "wave", "iteration", "generation", "session", "meeting", "edition", "anniversary", "congress",
    "plenum", "conference", "summit", "forum", "festival", "birthday", "lần",
)  # fmt: skip
_SEQUENCE_NOUNS_EN_LATER = (
    "revolution", "congress", "plenum", "conference", "summit", "session", "meeting", "edition",
    "anniversary", "forum", "festival", "survey",
)  # fmt: skip
#: Words that link a rank to what it is a rank in ("86th in the ... Survey"): a title after an ordinal
#: never holds them ("the 13th United Nations (UN) E-Government Survey" is an edition).
_RANK_LINKS = ("in", "of", "among", "on", "at", "by", "for", "out", "from", "to", "with", "the", "and")

#: Counted nouns that make a four-digit number a count rather than a year ("2019 accounts").
COUNTED_NOUNS: frozenset[str] = frozenset(
    [
        "people",
        "persons",
        "citizens",
        "residents",
        "users",
        "accounts",
        "visits",
        "visitors",
        "accesses",
        "services",
        "procedures",
        "dossiers",
        "documents",
        "records",
        "applications",
        "transactions",
        "payments",
        "calls",
        "businesses",
        "enterprises",
        "firms",
        "companies",
        "households",
        "families",
        "members",
        "agencies",
        "units",
        "ministries",
        "localities",
        "provinces",
        "communes",
        "districts",
        "officials",
        "employees",
        "workers",
        "students",
        "schools",
        "hospitals",
        "cases",
        "products",
        "platforms",
        "systems",
        "người",
        "tài",
        "khoản",
        "lượt",
        "hồ",
        "sơ",
        "dịch",
        "vụ",
        "thủ",
        "tục",
        "giao",
        "dịch",
        "doanh",
        "nghiệp",
        "cơ",
        "quan",
        "đơn",
        "vị",
        "hộ",
        "gia",
        "đình",
        "xã",
        "huyện",
        "tỉnh",
        "bộ",
        "cán",
        "bộ",
        "học",
        "sinh",
        "trường",
        "bệnh",
        "viện",
        "sản",
        "phẩm",
        "nền",
        "tảng",
        "hệ",
        "thống",
        "cuộc",
        "gọi",
        "phản",
        "ánh",
        "văn",
        "bản",
    ]
)


def _alt(words: tuple[str, ...]) -> str:
    return (
        "(?:"
        + "|".join(re.escape(w).replace(r"\ ", r"\s") for w in sorted(words, key=len, reverse=True))
        + ")"
    )


# Text before the number. Each alternative ends at the end of the window (\Z), after at most one space.
_BEFORE_RE = re.compile(
    # An hour has one or two digits; "2023: 13 billion" is a year labelling a figure, not a time or ratio.
    rf"(?P<time>(?<![0-9])[0-9]{{1,2}}\s?:\s?\Z|[0-9]h\Z)"
    rf"|(?P<cont>[0-9]\s?/\s?\Z|[0-9]\s?:\Z|[0-9]\s?[-–]\s?\Z)"
    rf"|(?P<month>{_NB}(?:{_MONTH}|may),?\s?\Z)"  # right before a number, "may" is the month
    rf"|(?P<weekday>{_NB}(?:ngày|sáng|chiều|tối|trưa|hôm|phiên|phiên\shọp)\sthứ\s?\Z)"
    rf"|(?P<sequence>{_NB}{_alt(_SEQUENCE_NOUNS_VI)}\sthứ\s?\Z|{_NB}lần\s?\Z)"
    rf"|(?P<date>{_NB}(?<!mỗi\s)(?<!hằng\s)(?<!hàng\s)(?<!một\s)(?<!mấy\s)"
    rf"(?:ngày|tháng|hôm|sáng|chiều|tối|trưa|đêm|rạng\ssáng)\s?\Z)"
    rf"|(?P<quarter>{_NB}(?:quý|quarter|q)\s?\Z)"
    rf"|(?P<document>{_NB}{_alt(DOCUMENT_NOUNS)}(?:\s(?:số|no\.?|number|n[°º]))?\s?[:.]?\s?\Z"
    rf"|{_NB}số(?:\shiệu)?\s?[:|]\s?\Z)"
    rf"|(?P<label>{_NB}{_alt(LABEL_NOUNS)}[-\s]?(?:[0-9]+(?:[.,][0-9]+)?\s?(?:,|and|or|và|hoặc|-|–|to|đến)\s?)*\Z)"
    rf"|(?P<frequency>{_NB}(?:per|every|each|mỗi|hằng|once\severy|one\sin)\s?\Z)"
    rf"|(?P<fraction>{_NB}(?:half|a\sthird|one\sthird|a\squarter|one\squarter|two\sthirds|three\squarters"
    rf"|nửa|một\snửa|phần\sba|phần\stư)\s(?:of\s|số\s|của\s)?(?:the\s|các\s)?\Z|{_NB}(?:half|nửa)\s?\Z)"
    rf"|(?P<code>{_L}[-+_]\Z|{_NB}(?:covid|sars-cov|iso|windows|ipv|web|g)\s?\Z)"
    rf"|(?P<first>{_NB}(?:first|last)\s?\Z)"
)
_BEFORE_GROUPS: dict[str, Cue] = {
    "time": Cue.TIME,
    "cont": Cue.CONTINUATION,
    "month": Cue.DATE,
    "weekday": Cue.WEEKDAY,
    "sequence": Cue.SEQUENCE,
    "date": Cue.DATE,
    "quarter": Cue.PERIOD,
    "document": Cue.DOCUMENT,
    "label": Cue.LABEL,
    "frequency": Cue.FREQUENCY,
    "fraction": Cue.FRACTION_OF,
    "code": Cue.CODE,
}
_YEAR_RANGE_BEFORE_RE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}\s?[-–/]\s?\Z")

# Text after the number's digits or words.
_AFTER_RE = re.compile(
    rf"(?P<time>\s?(?::[0-9]{{2}}|h[0-9]{{2}}|giờ\s?[0-9]))"
    rf"|(?P<ampm>\s?(?:am|pm|a\.m\.|p\.m\.){_NA})"
    rf"|(?P<month>,?\s{_MONTH_OR_MAY}{_NA})"
    rf"|(?P<vidate>\stháng\s?[0-9])"
    rf"|(?P<period>\s(?:tháng|quý)\s(?:đầu|cuối)(?:\snăm)?{_NA}"
    rf"|\s(?:months?|quarters?)\sof\s(?:the\s|this\s)?(?:year|[0-9]{{4}}){_NA})"
    rf"|(?P<frequency>\s(?:năm|tháng|ngày|tuần|giờ|years?|months?|days?|weeks?)\s(?:một|1)\slần{_NA})"
    rf"|(?P<document>(?:/[0-9]{{2,4}})*\s?[/-]\s?[a-zđ]{{1,6}}(?:[-/][a-zđ0-9]{{1,10}})+)"
    rf"|(?P<idiom>\scon\ssố{_NA})"
)
_AFTER_GROUPS: dict[str, Cue] = {
    "time": Cue.TIME,
    "month": Cue.DATE,
    "vidate": Cue.DATE,
    "period": Cue.PERIOD,
    "frequency": Cue.FREQUENCY,
    "document": Cue.DOCUMENT,
    "idiom": Cue.IDIOM,
}
_RANGE_AFTER_RE = re.compile(r"\s?[-–]\s?[0-9]")
_YEAR_RANGE_AFTER_RE = re.compile(r"\s?[-–]\s?(?:19|20)[0-9]{2}(?![0-9])")
_FIRST_LAST_RE = re.compile(rf"{_NB}(?:the\s)?(?:first|last)\s?\Z")
_PERIOD_NOUN_AFTER_RE = re.compile(rf"\s(?:months?|quarters?|weeks?){_NA}")
_SEQUENCE_AFTER_RE = re.compile(
    rf"\s{_alt(_SEQUENCE_NOUNS_EN_NEXT)}{_NA}"
    rf"|(?:\s(?!{_alt(_RANK_LINKS)}{_NA})\(?{_L}[\w-]{{0,30}}\)?){{1,4}}\s{_alt(_SEQUENCE_NOUNS_EN_LATER)}{_NA}"
)
_PLACES_AFTER_RE = re.compile(rf"\s?(?:places?|spots?|positions?|notch(?:es)?|rungs?|bậc|hạng|ranks?){_NA}")
_LIST_AFTER_RE = re.compile(rf"(?:\.[0-9]+)*[.)]\s{_L}|\s?:\s|\s?:\Z|[.)]\Z")
# A date written with digits only, at the number: d/m/yyyy, d.m.yyyy, d-m-yyyy, yyyy-mm-dd, d/m.
_DATE_SHAPE_RE = re.compile(
    r"(?:[0-9]{1,2}([./-])[0-9]{1,2}\1[0-9]{2,4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?![0-9])"
)
_DIGIT_RUN_RE = re.compile(r"[0-9]+")
_WORD_AFTER_RE = re.compile(rf"\s({_L}+(?:\s{_L}+)?)")


def starts_period(before: str) -> bool:
    """Whether "first"/"last" stand right before a number ("the first six months" is a period)."""
    return _FIRST_LAST_RE.search(before) is not None


def before_cue(before: str, token: str = "") -> Cue | None:
    """What the text just before a number says it is (``None``: nothing that rules it out).

    ``before`` is the end of the text before the number (a window the caller bounds); ``token`` is the
    number as written, for the cues that depend on it (a year after a year).
    """
    if token and is_year_like(token) and _YEAR_RANGE_BEFORE_RE.search(before):
        return Cue.YEAR_RANGE
    m = _BEFORE_RE.search(before)
    if m is None:
        return None
    group = m.lastgroup
    if group == "first":
        return None  # only with a period noun after it (see after_cue)
    if group == "weekday" and token not in ("2", "3", "4", "5", "6", "7"):
        return Cue.SEQUENCE  # "phiên thứ 10", "ngày thứ 10": an occurrence, not a weekday nor a rank
    return _BEFORE_GROUPS[group]  # type: ignore[index]


def after_cue(s: str, pos: int, token: str = "", before: str = "") -> Cue | None:
    """What the text right after a number's digits or words (from ``pos``) says it is."""
    if token and is_year_like(token) and _YEAR_RANGE_AFTER_RE.match(s, pos):
        return Cue.YEAR_RANGE
    if _RANGE_AFTER_RE.match(s, pos):
        return Cue.RANGE
    m = _AFTER_RE.match(s, pos)
    if m is not None:
        if m.lastgroup == "ampm":  # "9 am"; "PM" is also the Prime Minister, so only after an hour
            return Cue.TIME if token.isdigit() and int(token) <= 12 else None
        return _AFTER_GROUPS[m.lastgroup]  # type: ignore[index]
    if before and _FIRST_LAST_RE.search(before) and _PERIOD_NOUN_AFTER_RE.match(s, pos):
        return Cue.PERIOD
    return None


_GENERATION_RE = re.compile(r"[0-9]\.0(?![0-9.,%])")
_GENERATION_BEFORE_RE = re.compile(
    rf"{_NB}(?:industry|industrial\srevolution|revolution|công\snghiệp|cmcn|cách\smạng|web|chính\sphủ|nông\snghiệp"
    rf"|du\slịch|giáo\sdục|y\stế|kinh\stế|ngân\shàng|banking|logistics|version|phiên\sbản|v)\s?\Z"
)
_GLUED_LETTER_RE = re.compile(rf"[a-zđ]{_NA}")
_LETTERS_AFTER_DIGITS_OK = frozenset("xkmbđ")


def code_cue(s: str, start: int, end: int, before: str, prefix_empty: bool) -> Cue | None:
    """A number that is part of a name or code: glued to a letter before it that no qualifier or currency
    explains ("G20", "IPv6", "F0"), glued to one letter after it ("5G", "3D"), or a generation label
    ("Industry 4.0", "Công nghiệp 4.0", "Web 2.0")."""
    if prefix_empty and start > 0 and s[start - 1].isalpha():
        return Cue.CODE
    if end < len(s) and s[end] not in _LETTERS_AFTER_DIGITS_OK and _GLUED_LETTER_RE.match(s, end):
        return Cue.CODE if s[end - 1].isdigit() else None
    if _GENERATION_RE.fullmatch(s, start, end) and _GENERATION_BEFORE_RE.search(before):
        return Cue.CODE
    return None


def shape_cue(s: str, start: int, line_start: bool) -> Cue | None:
    """A date or list number recognisable from the characters at the number itself.

    ``line_start`` says whether the number opens its line (or the phrase): only there is ``1.`` or
    ``1.1.`` list numbering.
    """
    head = s[start + 1 : start + 5]
    if ("." in head or "/" in head or "-" in head) and _DATE_SHAPE_RE.match(s, start):
        return Cue.DATE
    if line_start:
        digits = _DIGIT_RUN_RE.match(s, start)
        if digits is not None and _LIST_AFTER_RE.match(s, digits.end()):
            return Cue.LIST
    return None


def sequence_after(s: str, pos: int) -> bool:
    """Whether an ordinal ending at ``pos`` numbers an occurrence ("11th year", "the 4th Industrial
    Revolution")."""
    return _SEQUENCE_AFTER_RE.match(s, pos) is not None


def places_after(s: str, pos: int) -> bool:
    """Whether the words after a number count places in a ranking ("2 places", "tăng 3 bậc")."""
    return _PLACES_AFTER_RE.match(s, pos) is not None


def counted_noun_after(s: str, pos: int) -> bool:
    """Whether a counted noun ("accounts", "tài khoản") follows the number at ``pos``."""
    m = _WORD_AFTER_RE.match(s, pos)
    if m is None:
        return False
    words = m.group(1)
    return words in COUNTED_NOUNS or words.split(" ")[0] in COUNTED_NOUNS


_RANKED_ENTITIES_RE = re.compile(
    rf"\s(?:countries|economies|member\sstates|nations|provinces|cities|localities|ministries|agencies"
    rf"|quốc\sgia|nước|tỉnh|thành\sphố|địa\sphương|bộ|cơ\squan|đơn\svị){_NA}"
)


def ranked_entities_after(s: str, pos: int) -> bool:
    """Whether what follows a number names the entities of a ranking ("63 provinces", "193 quốc gia")."""
    return _RANKED_ENTITIES_RE.match(s, pos) is not None


def is_year_like(token: str) -> bool:
    """Whether a number as written could be a year: four plain digits from 1900 to 2100."""
    return len(token) == 4 and token.isascii() and token.isdigit() and 1900 <= int(token) <= 2100
