"""When a figure in a text holds: its ``as_of`` and, for a flow, its ``period_start``, from the words near it.

The extractor (:mod:`egovanalysis.ingest.figures.extract`) finds the date mentions of each sentence
(:func:`find_mentions`) and gives each figure the mention that belongs to it (:func:`date_for_figure`):

1. a mention right after the figure, introduced by ``in``, ``for``, ``by``, ``as of``, ``vào``, ``năm`` ...
   (``72% in 2018``, ``10.76% last year``, ``30% by the end of this year``, ``80% vào năm 2025``);
2. a mention before it in the same sentence with no other figure between (``In August alone, there
   have been 3,000 transactions``, ``As of December 2020, nearly 40 ...``);
3. the sentence's reference: a period ``from 9 December 2019 ... to 9 February 2020`` (``as_of`` is its
   end, ``period_start`` its start), ``as of March 8, 2021``, ``tính đến ngày 8/3``, ``so far`` (the
   publication date);
4. the reference carried from earlier sentences (a reference stays in force until another is stated);
5. otherwise ``published``.

A mention after ``from``/``so với``/``compared to`` with no ``to`` after it is a comparison base
(``up 2 places from 2018``), not a date of the figure. ``each year``/``mỗi năm`` marks a yearly rate, stated
as of publication.

Values are written in the ``as_of`` syntax of ``reported_figures.csv`` (:mod:`egovanalysis.ingest.dates`):
an ISO date, ``YYYY-MM`` or ``YYYY``, or ``last year``, ``this year``, ``next year``, ``end of this year``,
``in <Month>`` / ``in <Month> alone``, ``published``. ``period_start`` is an ISO date, and needs the
source's publication date when the text names a month without its year ("in August alone").
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date

from egovanalysis.ingest.dates import MONTHS
from egovanalysis.ingest.figures.parser import _trie


class Mention(enum.Enum):
    """What kind of date a mention is."""

    POINT = "a date, month or year"
    RELATIVE = "a year relative to publication ('last year')"
    PRESENT = "the time of publication ('so far', 'hiện nay')"
    PERIOD = "a period that is named ('in August alone', 'the first half of 2022')"
    DEADLINE = "a deadline ('by the end of this year')"
    RATE = "a yearly rate ('each year', 'mỗi năm')"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date stated in the text: ``s[start:end]``; ``as_of`` in reported_figures syntax (``""`` when the
    year cannot be known); ``period_start`` an ISO date or ``""``; ``lead`` the word that introduces it."""

    start: int
    end: int
    kind: Mention
    as_of: str
    period_start: str
    lead: str
    opens_period: bool = False  # "since ... in March": the start of a period, not the figure's date


@dataclass(frozen=True, slots=True)
class FigureDate:
    """The date given to one figure, with how it was found (for the draft's notes)."""

    as_of: str
    period_start: str
    how: str
    explicit_period: bool  # the text names the period ("in August alone"): a flow whatever the indicator


_MONTH_ABBR = {name[:3]: number for name, number in MONTHS.items()} | {"sept": 9}
_MONTH_NAMES = "|".join(sorted(list(MONTHS) + list(_MONTH_ABBR), key=len, reverse=True))
_M = rf"(?P<mon>{_MONTH_NAMES})\.?"
_L = r"[^\W\d_]"
_NA = rf"(?!{_L})"
_LEAD = (
    r"(?:(?P<lead>as\s?of|as\sat|by\sthe\send\sof|by\send\sof|at\sthe\send\sof|until|up\sto|till|through|"
    r"from|since|compared\sto|compared\swith|than|in|on|for|by|to|during|tính\sđến|tính\stới|tính\stừ|"
    r"kể\stừ|đến\shết|đến\scuối|đến|tới|từ|trong|riêng|vào|so\svới|cuối)\s)?"
)
# A year ends a date, or stands alone: then not as one end of a range ("2021-2025") nor inside a document
# number ("42/2022/NĐ-CP").
_YEAR = r"(?P<year>(?:19|20)[0-9]{2})(?![0-9])"
_YEAR_ALONE = (
    r"(?<![0-9][-–/])(?<![0-9][-–/]\s)(?<![0-9]\s[-–/]\s)"
    r"(?P<year>(?:19|20)[0-9]{2})(?![0-9]|\s?[/–-]\s?[0-9a-z])"
)
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("dmy_en", rf"{_LEAD}(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s{_M},?\s{_YEAR}"),
    ("mdy_en", rf"{_LEAD}{_M}\s(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s{_YEAR}"),
    ("my_en", rf"{_LEAD}{_M},?\s{_YEAR}"),
    ("md_en", rf"{_LEAD}{_M}\s(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9])"),
    ("dm_en", rf"{_LEAD}(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s{_M}{_NA}"),
    ("dmy_vi", rf"{_LEAD}(?:ngày\s)?(?P<day>[0-9]{{1,2}})[/.-](?P<month>[0-9]{{1,2}})[/.-]{_YEAR}"),
    ("dmy_vi_words", rf"{_LEAD}ngày\s(?P<day>[0-9]{{1,2}})\stháng\s(?P<month>[0-9]{{1,2}})\snăm\s{_YEAR}"),
    ("my_vi", rf"{_LEAD}tháng\s(?P<month>[0-9]{{1,2}})(?:[/-]|\snăm\s){_YEAR}"),
    ("dm_vi", rf"{_LEAD}(?:ngày\s)(?P<day>[0-9]{{1,2}})[/-](?P<month>[0-9]{{1,2}})(?![0-9/])"),
    ("half", rf"{_LEAD}(?:the\s)?first\shalf\sof\s(?:(?:the\s|this\s)?year|{_YEAR})"),
    ("months_en", rf"{_LEAD}(?:the\s)?first\s(?P<n>[0-9]{{1,2}}|two|three|four|five|six|seven|eight|nine|ten"
     rf"|eleven)"
     rf"\smonths\sof\s(?:(?:the\s|this\s)?year|{_YEAR})"),
    ("months_vi", rf"{_LEAD}(?P<n>[0-9]{{1,2}})\stháng\sđầu\snăm(?:\s{_YEAR})?"),
    ("alone_vi", r"(?P<lead>riêng|trong)\s(?:tháng\s)(?P<month>[0-9]{1,2})(?![0-9/])"),
    ("month_en", rf"{_LEAD}{_M}(?P<alone>\salone)?{_NA}"),
    ("year", rf"{_LEAD}(?:năm\s)?{_YEAR_ALONE}"),
    ("last_year", rf"(?:{_LEAD})(?:last\syear|the\sprevious\syear|the\spast\syear|năm\sngoái|năm\strước"
     rf"|năm\squa){_NA}"),
    ("this_year", rf"(?:{_LEAD})(?:this\syear|the\syear|năm\snay){_NA}"),
    ("next_year", rf"(?:{_LEAD})(?:next\syear|năm\stới|năm\ssau){_NA}"),
    ("present", r"(?:so\sfar|to\sdate|up\sto\snow|until\snow|at\spresent|currently|hiện\snay|hiện\stại"
     r"|đến\snay"
     rf"|tới\snay|tính\sđến\snay|tính\stới\snay|cho\sđến\snay){_NA}"),
    ("rate", rf"(?:each\syear|every\syear|per\syear|a\syear|annually|mỗi\snăm|hằng\snăm|hàng\snăm|/\s?năm"
     rf"|/\s?year){_NA}"),
)  # fmt: skip
_ONE = {name: re.compile(body) for name, body in _PATTERNS}


def _scan_pattern() -> re.Pattern[str]:
    """One pattern finding where any mention starts: an optional lead word (as a trie, tried once per
    position) followed by the core of one of :data:`_PATTERNS`. Each hit is then re-read with its own
    pattern for the groups. Built this way because trying every pattern, each with its own alternation of
    leads, at every position was slow."""
    unnamed = re.compile(r"\(\?P<[a-z_]+>")
    cores = []
    for name, body in _PATTERNS:
        core = body.removeprefix(_LEAD).removeprefix("(?:" + _LEAD + ")")
        cores.append(f"(?P<{name}>{unnamed.sub('(?:', core)})")
    leads = [lead.replace(" ", "\x00") for lead in _LEAD_WORDS]
    lead = _trie(leads).replace("\\x00", "\\s").replace("\x00", "\\s")
    return re.compile(rf"(?<![^\W\d_])(?:(?:{lead})\s)?(?:" + "|".join(cores) + ")")


_LEAD_WORDS = (
    "as of", "asof", "as at", "by the end of", "by end of", "at the end of", "until", "up to", "till",
    "through",
    "from", "since", "compared to", "compared with", "than", "in", "on", "for", "by", "to", "during",
    "tính đến", "tính tới", "tính từ", "kể từ", "đến hết", "đến cuối", "đến", "tới", "từ", "trong", "riêng",
    "vào", "so với", "cuối",
)  # fmt: skip
_MENTION_RE = _scan_pattern()
_ALL_LEADS = tuple(lead + " " for lead in sorted(_LEAD_WORDS, key=len, reverse=True))
_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11}  # fmt: skip

#: Leads that attach a date after a figure to it ("72% in 2018"); "" is a bare relative phrase.
AFTER_LEADS = frozenset(
    {"", "in", "for", "by", "as of", "as at", "at the end of", "by the end of", "by end of", "vào", "trong",
     "tính đến", "tính tới", "đến cuối", "đến hết", "đến", "tới", "cuối", "during", "through", "until"}
)  # fmt: skip
#: Leads that attach a date before a figure to it ("In August alone, 3,000 ...").
BEFORE_LEADS = frozenset(
    {"", "in", "as of", "as at", "tính đến", "tính tới", "trong", "riêng", "vào", "for", "at the end of",
     "đến cuối", "đến hết", "đến", "cuối", "during", "by", "by the end of"}
)  # fmt: skip
_TO_LEADS = frozenset({"to", "until", "till", "through", "đến", "tới", "đến hết", "đến cuối", "up to"})
_FROM_LEADS = frozenset({"from", "từ", "since", "kể từ", "tính từ"})
_SINCE_LEADS = frozenset({"since", "kể từ", "tính từ"})
_SINCE_BEFORE_RE = re.compile(r"(?<![^\W\d_])(?:since|kể\stừ|từ\skhi)\s(?:(?![,;.]).)*\Z")
_DEADLINE_LEADS = frozenset(
    {"by the end of", "by end of", "at the end of", "by", "đến cuối", "cuối", "đến hết"}
)
_AFTER_REACH = 48  # characters after a figure within which a date belongs to it


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of(month: int, published: date | None) -> int | None:
    """The year of a month named without one: the publication year, or the year before when the month
    comes after the publication month ("in November" in a March article)."""
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def _iso(year: int | None, month: int, day: int) -> str:
    if year is None:
        return ""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _lead(m: re.Match[str]) -> str:
    """The word that introduces a mention ("in", "as of", "tính đến"), "" if none."""
    text = m.group(0)
    if text.startswith("asof "):
        return "as of"
    return next((lead[:-1] for lead in _ALL_LEADS if text.startswith(lead)), "")


def _month_of(m: re.Match[str]) -> int:
    name = m.group("mon")
    return MONTHS.get(name) or _MONTH_ABBR[name[:4] if name == "sept" else name[:3]]


def _calendar_mention(kind: str, m: re.Match[str], published: date | None) -> tuple[Mention, str, str]:
    """as_of and period start of a calendar mention (a day, a month, a year, a named period)."""
    if kind in ("dmy_en", "mdy_en"):
        return Mention.POINT, _iso(int(m.group("year")), _month_of(m), int(m.group("day"))), ""
    if kind in ("dmy_vi", "dmy_vi_words"):
        return Mention.POINT, _iso(int(m.group("year")), int(m.group("month")), int(m.group("day"))), ""
    if kind in ("md_en", "dm_en"):
        month = _month_of(m)
        return Mention.POINT, _iso(_year_of(month, published), month, int(m.group("day"))), ""
    if kind == "dm_vi":
        month = int(m.group("month"))
        return Mention.POINT, _iso(_year_of(month, published), month, int(m.group("day"))), ""
    if kind == "my_en":
        return Mention.POINT, f"{int(m.group('year')):04d}-{_month_of(m):02d}", ""
    if kind == "my_vi":
        month = int(m.group("month"))
        return (
            (Mention.POINT, f"{int(m.group('year')):04d}-{month:02d}", "")
            if 1 <= month <= 12
            else (Mention.POINT, "", "")
        )
    if kind == "year":
        return Mention.POINT, m.group("year"), ""
    return _named_period(kind, m, published)


def _named_period(kind: str, m: re.Match[str], published: date | None) -> tuple[Mention, str, str]:
    """ "in August (alone)", "riêng tháng 8", "the first half of 2022", "6 tháng đầu năm"."""
    if kind in ("month_en", "alone_vi"):
        month = _month_of(m) if kind == "month_en" else int(m.group("month"))
        if not 1 <= month <= 12:
            return Mention.POINT, "", ""
        alone = bool(m.group("alone")) if kind == "month_en" else m.group("lead") == "riêng"
        name = calendar.month_name[month]
        year = _year_of(month, published)
        start = _iso(year, month, 1)
        return (Mention.PERIOD if alone else Mention.POINT), f"in {name}{' alone' if alone else ''}", start
    year_text = m.group("year")
    year = int(year_text) if year_text else (published.year if published else None)
    if kind == "half":
        months = 6
    else:
        n = m.group("n")
        months = int(n) if n.isdigit() else _WORD_NUMBERS[n]
    if year is None or not 1 <= months <= 12:
        return Mention.PERIOD, "", ""
    return Mention.PERIOD, _end_of_month(year, months).isoformat(), date(year, 1, 1).isoformat()


_RELATIVE = {
    "last_year": (Mention.RELATIVE, "last year"),
    "this_year": (Mention.RELATIVE, "this year"),
    "next_year": (Mention.RELATIVE, "next year"),
    "present": (Mention.PRESENT, "published"),
    "rate": (Mention.RATE, "published"),
}


def find_mentions(s: str, start: int, end: int, published: date | None) -> list[DateMention]:
    """The date mentions in ``s[start:end]`` (normalised text), in text order, none overlapping."""
    out: list[DateMention] = []
    for m in _MENTION_RE.finditer(s, start, end):
        kind = m.lastgroup
        if kind is None:
            continue
        full = _ONE[kind].match(s, m.start(), m.end())
        if full is None:  # cannot happen: the same pattern matched
            continue
        if kind in _RELATIVE:
            mention, as_of = _RELATIVE[kind]
            period = ""
            if kind == "this_year":
                if _lead(full) in _DEADLINE_LEADS:  # "by the end of this year", "đến cuối năm nay"
                    mention, as_of = Mention.DEADLINE, "end of this year"
                elif full.group().endswith("the year"):
                    continue  # "in the year": which year is not said
        else:
            mention, as_of, period = _calendar_mention(kind, full, published)
        lead = _lead(full)
        opens = (
            lead in _SINCE_LEADS
            or _SINCE_BEFORE_RE.search(s, max(start, m.start() - 60), m.start()) is not None
        )
        out.append(DateMention(m.start(), m.end(), mention, as_of, period, lead, opens))
    return out


def _sentence_reference(mentions: list[DateMention]) -> tuple[DateMention | None, DateMention | None]:
    """The sentence's own reference date, and the start of its period: ``from X ... to Y`` gives (Y, X);
    ``as of X``, ``tính đến X`` give (X, None); ``so far`` gives the publication date."""
    start = next((m for m in mentions if m.lead in _FROM_LEADS and m.kind is Mention.POINT and m.as_of), None)
    if start is not None:
        stop = next((m for m in mentions if m.start > start.end and m.lead in _TO_LEADS and m.as_of), None)
        if stop is not None:
            return stop, start
    for m in mentions:
        if (
            m.as_of
            and m.lead in ("as of", "as at", "tính đến", "tính tới", "đến hết")
            and m.kind is Mention.POINT
        ):
            return m, None
    present = next((m for m in mentions if m.kind is Mention.PRESENT), None)
    return present, None


@dataclass
class DateContext:
    """The reference date carried from sentence to sentence through one text."""

    carried: DateMention | None = None

    def paragraph(self) -> None:
        """A new paragraph: what an earlier paragraph stated no longer holds."""
        self.carried = None

    def sentence(self, mentions: list[DateMention]) -> tuple[DateMention | None, DateMention | None]:
        """Read a sentence's mentions; returns its reference and period start and updates the carry."""
        ref, period = _sentence_reference(mentions)
        if ref is not None:
            self.carried = ref
        elif mentions and all(m.kind is Mention.RELATIVE for m in mentions):
            self.carried = mentions[-1]  # "... associated with e-government building last year."
        return ref, period


def date_for_figure(
    fig_start: int,
    fig_end: int,
    prev_end: int,
    next_start: int,
    mentions: list[DateMention],
    sentence_ref: tuple[DateMention | None, DateMention | None],
    carried: DateMention | None,
) -> FigureDate:
    """The date of the figure at ``s[fig_start:fig_end]`` (see the module docstring for the order).

    ``prev_end``/``next_start`` bound the text that belongs to it: the end of the previous figure and the
    start of the next one in the same sentence.
    """
    del (
        prev_end
    )  # a date before a figure may serve several ("In August alone, 3,000 transactions worth VND5 billion")
    after = next(
        (m for m in mentions if fig_end <= m.start <= fig_end + _AFTER_REACH and m.start < next_start
         and m.as_of and not m.opens_period
         and (m.lead in AFTER_LEADS or m.kind in (Mention.RELATIVE, Mention.DEADLINE))),
        None,
    )  # fmt: skip
    if after is not None:
        return _dated(after, "the date right after it")
    before = [
        m for m in mentions if m.end <= fig_start and m.as_of and m.kind is not Mention.RATE
        and (m.lead in BEFORE_LEADS or m.kind in (Mention.RELATIVE, Mention.PRESENT, Mention.PERIOD))
    ]  # fmt: skip
    since = ""
    if before and before[-1].opens_period:
        since = before[-1].period_start or _iso_start(before[-1].as_of)
    elif before:
        return _dated(before[-1], "the date before it in its sentence")
    ref, period = sentence_ref
    if ref is not None:
        start = period.period_start or period.as_of if period is not None else since
        return FigureDate(ref.as_of, _iso_start(start), "its sentence's reference date", False)
    if carried is not None:
        return FigureDate(carried.as_of, since, "the reference date of an earlier sentence", False)
    return FigureDate("published", since, "no date in the text: the publication date", False)


def _dated(m: DateMention, how: str) -> FigureDate:
    return FigureDate(m.as_of, m.period_start, how, m.kind is Mention.PERIOD)


def _iso_start(as_of: str) -> str:
    """The first day of a period starting at ``as_of`` (a date, a month or a year); "" when unknown."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        return as_of
    if re.fullmatch(r"\d{4}-\d{2}", as_of):
        return as_of + "-01"
    if re.fullmatch(r"\d{4}", as_of):
        return as_of + "-01-01"
    return ""
