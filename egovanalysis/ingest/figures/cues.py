"""Whether an extracted figure is a target or an actual value, and whose figure it is (its ``scope``).

Both are read from the figure's clause: the part of its sentence between commas, semicolons, brackets and
contrasting words ("while", "but", "trong khi"), so that "15% for localities ... while the set target is
30% by the end of 2019" gives an actual and a target.

**Kind.** A figure is a ``target`` when

- its clause states a goal before it: ``aims to``, ``target``, ``goal``, ``plan to``, ``strive``,
  ``urged``, ``expected to``, ``phấn đấu``, ``mục tiêu``, ``chỉ tiêu``, ``cần đạt``, ``sẽ``, ``dự kiến`` ...;
- a deadline follows it in its clause: ``by the end of``, ``by 2025``, ``đến năm 2025``,
  ``vào năm 2025`` (``đạt 80% vào năm 2025``);
- it is what something is to be raised to: ``raising the rate ... to 30%``, ``nâng ... lên 80%``;
- or its date falls after the source's publication date (an actual cannot be dated in the future).

A figure dated before its source was published is an ``actual`` whatever its clause says
(``raise ... from 72% in 2018 to 86.5% in 2019`` reports two actual values).

**Scope.** ``ministries`` or ``localities`` when the figure counts them, or when they are whose figure it is
(``Eight ministries and 25 localities have less than 10 per cent``, ``15% for localities``); both give
``ministries_and_localities``; a named province gives ``province:<slug>``
(:func:`egovanalysis.ingest.provinces.provinces_named_in`); otherwise ``national``. A count of all of them
(``the 63 provinces``, ``all 22 ministries``) is national.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from egovanalysis.ingest.provinces import provinces_named_in

_L = r"[^\W\d_]"
_NB = rf"(?<!{_L})"
_NA = rf"(?!{_L})"

_CLAUSE_BREAK_RE = re.compile(
    rf"[;()\[\]]|,\s|\s(?:while|but|whereas|although|however|trong\skhi|nhưng|còn|song){_NA}|\s[-–]\s"
)
_GOAL_BEFORE_RE = re.compile(
    rf"{_NB}(?:aims?|aiming|aimed|targets?|targeted|targeting|goals?|objectives?|plans?\sto|planned\sto|"
    rf"planning\sto|strives?|striving|urged?|urging|expected\sto|expects\sto|is\sto|are\sto|hopes?\sto|"
    rf"wants?\sto|seeks?\sto|set\sto|will\sreach|will\sachieve|to\sreach|to\sachieve|requested|required|"
    rf"must\sreach|phấn\sđấu|mục\stiêu|chỉ\stiêu|cần\sđạt|phải\sđạt|sẽ|dự\skiến|kế\shoạch\sđề\sra|"
    rf"yêu\scầu|đặt\sra|hướng\stới){_NA}"
)
_DEADLINE_AFTER_RE = re.compile(
    rf"\s(?:[^\W\d_]+\s){{0,8}}?(?:by\sthe\send\sof|by\send\sof|by\s(?:19|20)[0-9]{{2}}|by\s(?:january|february|march"
    rf"|april|may|june|july|august|september|october|november|december)|đến\snăm|vào\snăm|đến\scuối\snăm|"
    rf"đến\shết\snăm|trước\snăm|in\sthe\scoming\syears?){_NA}"
)
_TO_END_RE = re.compile(
    r"(?:^|\s)(?:to|lên)\s(?:at\sleast\s|about\s|around\s|over\s|tối\sthiểu\s|ít\snhất\s|khoảng\s)?\Z"
)
_RAISE_VERB_RE = re.compile(
    rf"{_NB}(?:rais(?:e|es|ing)|increas(?:e|es|ing)|boost(?:s|ing)?|lift(?:s|ing)?|bring(?:s|ing)?|push(?:es|ing)?|"
    rf"nâng|đưa){_NA}"
)
_MINISTRIES = (
    r"(?:ministries|ministry-level|ministerial|ministries\sand\sagencies|bộ|bộ,\sngành|cơ\squan\sngang\sbộ)"
)
_LOCALITIES = (
    r"(?:localities|locality|provinces|provincial|provincial-level|cities|local"
    r"|địa\sphương|tỉnh|tỉnh,\sthành)"
)
_COUNTED_AFTER_RE = re.compile(rf"\s(?:[^\W\d_-]+[\s-]){{0,2}}?(?P<who>{_MINISTRIES}|{_LOCALITIES}){_NA}")
_WHOLE_BEFORE_RE = re.compile(rf"{_NB}(?:the|all|all\sthe|of\sthe|tổng\ssố|cả|toàn\sbộ|all\sof\sthe)\s\Z")
_FOR_WHOM_AFTER_RE = re.compile(
    rf"\s(?:[^\W\d_]+\s){{0,3}}?(?:for|of|in|among|ở|của|tại)\s(?:the\s|các\s)?(?P<who>{_MINISTRIES}|{_LOCALITIES}){_NA}"
)
_SUBJECT_RE = re.compile(rf"{_NB}(?P<who>{_MINISTRIES}|{_LOCALITIES}){_NA}")
_NATIONAL_RE = re.compile(rf"{_NB}(?:nationwide|national|the\scountry|cả\snước|toàn\squốc|quốc\sgia){_NA}")


@dataclass(frozen=True, slots=True)
class Clause:
    """The clause of a figure: ``s[start:end]``."""

    start: int
    end: int


class SentenceCues:
    """The clause breaks and cue words of one sentence, found once, so that each of its figures is
    described by a few lookups (a sentence of many figures costs time linear in its length)."""

    def __init__(self, s: str, start: int, end: int) -> None:
        self.s, self.start, self.end = s, start, end
        breaks = list(_CLAUSE_BREAK_RE.finditer(s, start, end))
        self._break_starts = [m.start() for m in breaks]
        self._break_ends = [m.end() for m in breaks]
        self._goals = [(m.start(), m.end(), m.group()) for m in _GOAL_BEFORE_RE.finditer(s, start, end)]
        self._raises = [m.start() for m in _RAISE_VERB_RE.finditer(s, start, end)]
        self._subjects = [(m.start(), _who(m.group("who"))) for m in _SUBJECT_RE.finditer(s, start, end)]

    def clause(self, fig_start: int, fig_end: int) -> Clause:
        """The clause that holds the figure at ``s[fig_start:fig_end]``."""
        k = bisect.bisect_right(self._break_ends, fig_start)
        start = self._break_ends[k - 1] if k else self.start
        j = bisect.bisect_left(self._break_starts, fig_end)
        return Clause(start, self._break_starts[j] if j < len(self._break_starts) else self.end)

    def is_target(self, clause: Clause, fig_start: int, fig_end: int, next_start: int) -> tuple[bool, str]:
        """Whether the figure's clause states it as a goal; returns the cue found (for the draft's notes)."""
        goal = next((g for g in self._goals if clause.start <= g[0] and g[1] <= fig_start), None)
        if goal is not None:
            return True, f"'{goal[2]}' before it"
        deadline = _DEADLINE_AFTER_RE.match(self.s, fig_end, min(clause.end, next_start))
        if deadline is not None:
            return True, f"a deadline after it ('{deadline.group().strip()}')"
        raised = any(clause.start <= r < fig_start for r in self._raises)
        if raised and _TO_END_RE.search(self.s, max(clause.start, fig_start - 40), fig_start):
            return True, "what something is to be raised to"
        return False, ""

    def scope(self, clause: Clause, fig_start: int, fig_end: int, phrase_end: int) -> tuple[str, str]:
        """The figure's scope and the reason (for the draft's notes)."""
        s = self.s
        counted = _COUNTED_AFTER_RE.match(s, fig_end, min(phrase_end + 1, clause.end))
        if counted is not None:
            if _WHOLE_BEFORE_RE.search(s, max(clause.start, fig_start - 12), fig_start):
                return "national", "it counts all of them"
            return _who(counted.group("who")), "what it counts"
        whom = _FOR_WHOM_AFTER_RE.match(s, phrase_end, min(clause.end, phrase_end + 60))
        if whom is not None:
            return _who(whom.group("who")), "whose figure it is"
        provinces = provinces_named_in(s[clause.start : clause.end])
        if len(provinces) == 1:
            return f"province:{provinces[0]}", "a province named in its clause"
        subjects = {who for at, who in self._subjects if clause.start <= at < fig_start}
        if subjects:
            scope = subjects.pop() if len(subjects) == 1 else "ministries_and_localities"
            return scope, "its clause's subject"
        return "national", "no ministry, locality or province named"


def _who(word: str) -> str:
    return "ministries" if re.fullmatch(_MINISTRIES, word) else "localities"
