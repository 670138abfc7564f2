"""Extract every figure from a whole report: ``extract_figures(text, lang)``, DESIGN.md's extraction contract.

How it reads a text, in one pass:

1. **Normalise** it as the figure parser does (lower case, NFC, full-width digits as ASCII, every run of
   whitespace as one space, or one newline when the run held one), keeping a map from each position back
   to the original text, so that ``text[start:end]`` is exactly the phrase.
2. **Split** it into sentences (at line ends, and at ``.``/``!``/``?`` before a capital, not after
   abbreviations such as ``No.``, ``Mr.`` or ``TP.``).
3. **Find numbers**: digit runs, English number words, and in Vietnamese the runs of number words that
   :mod:`egovanalysis.ingest.figures.number_words_vi` accepts. Each is read by the figure parser's
   :func:`~egovanalysis.ingest.figures.parser.read_figure_at`, with its sentence as context, so dates,
   years, times, document numbers, list numbering, labels and sequence ordinals are refused exactly as
   :func:`~egovanalysis.parse_figure` refuses them. A number read as part of a figure (a denominator, a
   scale word) is not read again.
4. **Extend** the phrase over what is counted ("accounts", "tài khoản đăng ký", "pieces of feedback"):
   up to four words, stopping at punctuation, a number or a function word. The phrase, read alone by
   ``parse_figure``, must give the same figure (that is what ``egovanalysis build`` will do with it); when
   it does not, the phrase is widened to the words before it that it needs.
5. **Describe** each figure: ``kind`` and ``scope`` (:mod:`egovanalysis.ingest.figures.cues`), ``as_of``
   and ``period_start`` (:mod:`egovanalysis.ingest.figures.sentence_dates`), the indicator it most likely
   measures (:mod:`egovanalysis.ingest.figures.indicator_guess`), and its sentence as ``context``.

Every step reads each character a bounded number of times, so the time is linear in the text's length
(``benchmarks/bench_extract.py`` measures it: a few milliseconds per thousand characters). Texts longer
than :data:`MAX_TEXT_CHARS` raise :class:`~egovanalysis.errors.FigureParseError`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from egovanalysis import config
from egovanalysis.errors import FigureParseError
from egovanalysis.ingest.dates import parse_published, resolve_as_of
from egovanalysis.ingest.figures import cues
from egovanalysis.ingest.figures import sentence_dates as dates
from egovanalysis.ingest.figures.indicator_guess import Guess, IndicatorGuesser
from egovanalysis.ingest.figures.number_words_vi import NumberRun, find_number_runs
from egovanalysis.ingest.figures.parser import (
    _WORD_START_RE,
    FigureReading,
    _check_lang,
    parse_figure,
    read_figure_at,
)

__all__ = ["COLUMNS", "MAX_TEXT_CHARS", "extract_figures"]

#: Longest text :func:`extract_figures` reads (about 200 pages of prose); longer input is refused.
MAX_TEXT_CHARS = 1_000_000

#: The columns of :func:`extract_figures`' result, in order.
COLUMNS: tuple[str, ...] = (
    "start", "end", "phrase", "value", "unit", "qualifier", "lower", "upper", "out_of", "kind", "as_of",
    "period_start", "scope", "indicator", "indicator_score", "context", "notes",
)  # fmt: skip

_L = r"[^\W\d_]"
_NA = rf"(?!{_L})"


# --------------------------------------------------------------------------------------------------
# Normalised text with a map back to the original
# --------------------------------------------------------------------------------------------------


_DASHES = re.compile("[\u2010-\u2014\u2212]")
_FULLWIDTH = re.compile("[\uff01-\uff5e]")
_SPACE_RUN = re.compile(r"[^\S ]+[\s]*|[ ]{2,}[\s]*|[ ][^\S ][\s]*")


@dataclass(frozen=True, slots=True)
class _Normalised:
    """``s``: the text as the parser reads it; ``norm_starts``/``orig_starts``: where each stretch of ``s``
    with a constant offset begins, in ``s`` and in the original."""

    s: str
    norm_starts: list[int]
    orig_starts: list[int]
    length: int  # the original text's length
    paragraphs: tuple[int, ...] = ()  # positions in ``s`` of the newlines that stand for a blank line

    def orig(self, i: int) -> int:
        """The original position of position ``i`` of ``s`` (``len(s)`` maps to the text's end)."""
        if i >= len(self.s):
            return self.length
        k = bisect.bisect_right(self.norm_starts, i) - 1
        return self.orig_starts[k] + (i - self.norm_starts[k])


def _per_character(text: str) -> tuple[str, list[int], list[int]]:
    """Slow path for text whose lower-casing or NFC changes its length: map one cluster at a time."""
    out: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    n = 0
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j]).lower()
        norm_starts.append(n)
        orig_starts.append(i)
        out.append(piece)
        n += len(piece)
        i = j
    return "".join(out), norm_starts, orig_starts


def _normalise(text: str) -> _Normalised:
    """Normalise ``text`` (see the module docstring) and keep the map back to it."""
    # Full-width ASCII forms ("５０％") read as ASCII: one character each, so lengths do not change.
    text_fw = (
        _FULLWIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text) if _FULLWIDTH.search(text) else text
    )
    low = text_fw.lower()
    if len(low) == len(text) and unicodedata.is_normalized("NFC", text_fw):
        s0, starts0, origs0 = _DASHES.sub("-", low), [0], [0]
    else:
        s0, starts0, origs0 = _per_character(text_fw)
        s0 = _DASHES.sub("-", s0)
    base = _Normalised(s0, starts0, origs0, len(text))
    pieces: list[str] = []
    norm_starts: list[int] = [0]
    orig_starts: list[int] = [0]
    last = 0
    n = 0
    paragraphs: list[int] = []
    for m in _SPACE_RUN.finditer(s0):
        pieces.append(s0[last : m.start()])
        n += m.start() - last
        run = m.group()
        pieces.append("\n" if ("\n" in run or "\r" in run) else " ")
        if run.count("\n") >= 2 or run.count("\r") >= 2:
            paragraphs.append(n)
        norm_starts.append(n)
        orig_starts.append(base.orig(m.start()))
        n += 1
        norm_starts.append(n)
        orig_starts.append(base.orig(m.end()))
        last = m.end()
    pieces.append(s0[last:])
    s = "".join(pieces)
    if len(starts0) > 1:  # compose with the per-character map for the stretches between runs
        composed = _compose(s, s0, base, len(text))
        return _Normalised(s, composed.norm_starts, composed.orig_starts, len(text), tuple(paragraphs))
    return _Normalised(s, norm_starts, orig_starts, len(text), tuple(paragraphs))


def _compose(s: str, s0: str, base: _Normalised, length: int) -> _Normalised:
    """The map of ``s`` (``s0`` with whitespace runs collapsed) back to the original through ``base``."""
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    i0 = 0
    for i, ch in enumerate(s):
        norm_starts.append(i)
        orig_starts.append(base.orig(i0))
        if ch in " \n" and i0 < len(s0) and s0[i0].isspace():
            while i0 < len(s0) and s0[i0].isspace():
                i0 += 1
        else:
            i0 += 1
    return _Normalised(s, norm_starts, orig_starts, length)


# --------------------------------------------------------------------------------------------------
# Sentences and numbers
# --------------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"\n|[.!?…][\"'”’)]*\s")
_ABBREVIATIONS = frozenset(
    [
        "no",
        "nos",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "vs",
        "etc",
        "eg",
        "ie",
        "tp",
        "gen",
        "col",
        "lt",
        "co",
        "ltd",
        "inc",
        "corp",
        "dept",
        "gov",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "e.g",
        "i.e",
        "p.m",
        "a.m",
        "pm",
        "am",
        "approx",
        "est",
        "fig",
        "ca",
        "min",
        "max",
        "th",
    ]
)
_WORD_BEFORE_DOT = re.compile(r"([^\W\d_][\w.]*)\Z")


def _sentences(norm: _Normalised, text: str) -> list[tuple[int, int]]:
    """Sentence bounds in ``norm.s``: at line ends, and after ``.``/``!``/``?`` followed by a capital letter,
    a digit or a quote in the original text, unless the word before the dot is an abbreviation."""
    s = norm.s
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(s):
        cut = m.end()
        if m.group() != "\n":
            nxt = norm.orig(cut)
            following = text[nxt : nxt + 1]
            word = _WORD_BEFORE_DOT.search(s, max(0, m.start() - 12), m.start())
            if not (following[:1].isupper() or following[:1].isdigit() or following[:1] in "\"“‘'(•-"):
                continue
            if word is not None and word.group(1).rstrip(".") in _ABBREVIATIONS:
                continue
            if len(s[start : m.start()].strip()) <= 2:  # "1." list markers stay with their line
                continue
        if s[start:cut].strip():
            bounds.append((start, cut))
        start = cut
    if s[start:].strip():
        bounds.append((start, len(s)))
    return [piece for b in bounds for piece in _cap(s, b)]


_MAX_SENTENCE = 600  # longer "sentences" (tables, lists without stops) are cut, so work per figure is bounded


def _cap(s: str, bounds: tuple[int, int]) -> list[tuple[int, int]]:
    """``bounds`` cut into pieces of at most :data:`_MAX_SENTENCE` characters, at a space where possible."""
    start, end = bounds
    pieces = []
    while end - start > _MAX_SENTENCE:
        cut = s.rfind(" ", start + _MAX_SENTENCE // 2, start + _MAX_SENTENCE)
        cut = cut + 1 if cut > start else start + _MAX_SENTENCE
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


_DIGIT_START = re.compile(r"(?<![0-9])(?<![0-9][.,:/])[0-9]")


def _number_starts(s: str, lang: str) -> list[tuple[int, NumberRun | None]]:
    """Where numbers start in ``s``: digit runs, English number words and (Vietnamese) number-word runs."""
    starts: list[tuple[int, NumberRun | None]] = [(m.start(), None) for m in _DIGIT_START.finditer(s)]
    if lang == "en" or s.isascii():
        starts += [(m.start(), None) for m in _WORD_START_RE.finditer(s)]
    else:
        starts += [(run.start, run) for run in find_number_runs(s)]
    starts.sort(key=lambda item: item[0])
    return starts


def _line_start(s: str, pos: int) -> bool:
    """Whether the number at ``pos`` opens its line (where ``1.`` is list numbering)."""
    head = s[max(0, pos - 3) : pos]
    return (
        pos == 0
        or head.endswith("\n")
        or (head[-2:] in ("• ", "- ", "* ") and (pos <= 2 or s[pos - 3] == "\n"))
    )


# --------------------------------------------------------------------------------------------------
# The phrase of a figure
# --------------------------------------------------------------------------------------------------

_COUNTED_WORD = re.compile(rf"[ ]({_L}[\w-]*){_NA}")
_STOP_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "than",
        "that",
        "which",
        "who",
        "whom",
        "were",
        "was",
        "is",
        "are",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "each",
        "per",
        "while",
        "when",
        "since",
        "including",
        "among",
        "out",
        "up",
        "down",
        "over",
        "under",
        "about",
        "into",
        "it",
        "its",
        "their",
        "this",
        "these",
        "those",
        "compared",
        "respectively",
        "according",
        "during",
        "after",
        "before",
        "until",
        "also",
        "not",
        "no",
        "nor",
        "so",
        "if",
        "while",
        "where",
        "whose",
        "what",
        "how",
        "all",
        "both",
        "more",
        "less",
        "most",
        "least",
        "worth",
        "subject",
        "set",
        "related",
        "successfully",
        "respectively",
        "via",
        "through",
        "và",
        "của",
        "với",
        "trên",
        "trong",
        "tại",
        "từ",
        "đến",
        "là",
        "được",
        "đã",
        "đang",
        "sẽ",
        "cho",
        "có",
        "so",
        "khi",
        "theo",
        "gồm",
        "này",
        "đó",
        "các",
        "những",
        "hơn",
        "đạt",
        "tăng",
        "giảm",
        "chiếm",
        "mỗi",
        "năm",
        "tháng",
        "ngày",
        "tuần",
        "quý",
        "lên",
        "xuống",
        "như",
        "thì",
        "mà",
        "nhưng",
        "hoặc",
        "hay",
        "vào",
        "ra",
        "bằng",
        "cùng",
        "về",
        "do",
        "bởi",
        "nay",
        "đây",
        "đều",
        "vẫn",
        "còn",
        "chỉ",
        "cũng",
    ]
)
_OF_HEADS = frozenset(
    [
        "pieces",
        "piece",
        "lines",
        "line",
        "groups",
        "group",
        "kinds",
        "kind",
        "types",
        "type",
        "items",
        "units",
        "sets",
        "rounds",
        "cases",
    ]
)
_PARTICIPLES = frozenset(["synced", "done", "made", "paid", "sent", "given", "held"])
_PHRASE_WORDS = 4
_PHRASE_CHARS = 80  # the raw data's limit for a reported phrase


def _counted_end(s: str, end: int, limit: int, start: int) -> int:
    """The end of the phrase after the figure's own end: up to four counted words ("accounts",
    "pieces of feedback", "tài khoản đăng ký"), within ``limit`` and 80 characters from ``start``."""
    pos = end
    words = 0
    prev = ""
    while words < _PHRASE_WORDS:
        m = _COUNTED_WORD.match(s, pos, limit)
        if m is None:
            break
        word = m.group(1)
        if word in _STOP_WORDS and not (word == "of" and prev in _OF_HEADS):
            break
        if m.end() - start > _PHRASE_CHARS:
            break
        participle = word.endswith(("ed", "ing")) or word in _PARTICIPLES
        if participle and words > 1:
            break  # "registered accounts", "documents synced" say what is counted; "tasks assigned" does not
        pos = m.end()
        words += 1
        prev = word
        if participle and words == 2:
            break
    if prev == "of":  # "pieces of" with nothing counted after it
        pos = s.rfind(" ", end, pos)
    return pos


_WORD_BACK = re.compile(r"(?:^|[ ])[^ \n]+[ ]?\Z")


def _consistent_start(
    text: str, norm: _Normalised, reading: FigureReading, start: int, end: int, floor: int, lang: str
) -> tuple[int, str]:
    """Widen the phrase to the left until, read alone, it gives the same figure as in its sentence
    (at most six words); returns the start and a note when no widening makes them agree."""
    s = norm.s
    for _ in range(7):
        phrase = text[norm.orig(start) : norm.orig(end)]
        try:
            alone = parse_figure(phrase, lang)
        except FigureParseError as exc:
            problem = str(exc).split(": ", 1)[-1]
        else:
            same = (alone.value, alone.unit, alone.qualifier, alone.out_of) == (
                reading.value, reading.unit, reading.qualifier, reading.out_of)  # fmt: skip
            if same:
                return start, ""
            problem = f"alone it reads {alone.value:g} {alone.unit or ''} {alone.qualifier or ''}".rstrip()
        m = _WORD_BACK.search(s, floor, start)
        if m is None or m.start() < floor or norm.orig(end) - norm.orig(m.start()) > _PHRASE_CHARS:
            break
        start = m.start() + (1 if s[m.start()] == " " else 0)
    return reading.start, f"the phrase read alone does not give this figure ({problem}); fix 'reported'"


# --------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _guesser_for(path: Path, mtime_ns: int) -> IndicatorGuesser:
    del mtime_ns  # part of the cache key only: a changed registry is read again
    return IndicatorGuesser(pd.read_csv(path, dtype="string", keep_default_na=False).set_index("id"))


def _guesser(indicators: pd.DataFrame | Path | None) -> IndicatorGuesser:
    if isinstance(indicators, pd.DataFrame):
        return IndicatorGuesser(indicators)
    path = Path(indicators) if indicators is not None else config.INDICATORS_CSV
    return _guesser_for(path, path.stat().st_mtime_ns)


@dataclass(slots=True)
class _Found:
    reading: FigureReading
    start: int  # of the phrase in the normalised text
    end: int
    note: str


def _figures_in(
    text: str,
    norm: _Normalised,
    bounds: tuple[int, int],
    starts: list[tuple[int, NumberRun | None]],
    positions: list[int],
    lang: str,
) -> list[_Found]:
    """The figures of one sentence, in text order; numbers inside an earlier figure are skipped."""
    s = norm.s
    sent_start, sent_end = bounds
    found: list[_Found] = []
    taken = sent_start
    lo = bisect.bisect_left(positions, sent_start)
    hi = bisect.bisect_left(positions, sent_end)
    for pos, run in starts[lo:hi]:
        if pos < taken:
            continue
        try:
            floor = max(taken, sent_start)
            reading = read_figure_at(s, pos, lang, floor=floor, line_start=_line_start(s, pos), vi_run=run)
        except FigureParseError:
            continue
        if reading.end > sent_end or reading.start < taken:
            continue
        k = bisect.bisect_left(positions, reading.end, lo, hi)
        next_pos = positions[k] if k < hi else sent_end
        end = _counted_end(s, reading.end, min(sent_end, next_pos), reading.start)
        start, note = _consistent_start(text, norm, reading, reading.start, end, max(taken, sent_start), lang)
        found.append(_Found(reading, start, end, note))
        taken = end
    return found


def extract_figures(
    text: str,
    lang: str = "en",
    *,
    published: str | None = None,
    indicators: pd.DataFrame | Path | None = None,
) -> pd.DataFrame:
    """Every figure in ``text`` (a whole report), one row each, in text order.

    ``lang`` is the language of the text (``en``/``vi``: how ``.`` and ``,`` are read). ``published``
    (``YYYY-MM-DD`` or ``YYYY-MM``), the source's publication date, lets the extractor date months named
    without a year and tell targets (dated after it) from actual values. ``indicators`` is the registry
    (a DataFrame indexed by id, or the path of ``indicators.csv``; default ``data/raw/indicators.csv``).

    Columns (:data:`COLUMNS`): ``start``/``end`` (``text[start:end] == phrase``), ``phrase``, ``value``,
    ``unit``, ``qualifier``, ``lower``, ``upper``, ``out_of`` (as :class:`~egovanalysis.Figure`), ``kind``
    (``actual``/``target``), ``as_of`` (as ``reported_figures.csv`` takes it), ``period_start`` (ISO date
    for flows, else ``""``), ``scope``, ``indicator`` (``""`` when unsure), ``indicator_score``,
    ``context`` (the sentence) and ``notes`` (what was guessed, and how).

    Raises :class:`~egovanalysis.errors.FigureParseError` for a text that is not a string or is longer
    than :data:`MAX_TEXT_CHARS`, ``ValueError`` for an unsupported language, and
    :class:`~egovanalysis.errors.DateResolutionError` for a malformed ``published``.
    """
    lang = _check_lang(lang)
    if not isinstance(text, str):
        raise FigureParseError(f"cannot extract figures from a {type(text).__name__}: expected a text")
    if len(text) > MAX_TEXT_CHARS:
        raise FigureParseError(
            f"the text has {len(text):,} characters; extract_figures reads at most {MAX_TEXT_CHARS:,}: "
            "split it"
        )
    reader = _Reader(text, _normalise(text), lang, parse_published(published) if published else None,
                     _guesser(indicators))  # fmt: skip
    return _frame(reader.rows())


@dataclass
class _Sentence:
    """One sentence being described: its bounds, date mentions and references, and cue words."""

    bounds: tuple[int, int]
    mentions: list[dates.DateMention]
    references: tuple[tuple[dates.DateMention | None, dates.DateMention | None], dates.DateMention | None]
    cues: cues.SentenceCues
    context: str  # the sentence as printed, whitespace collapsed


@dataclass
class _Reader:
    """One pass over a text: sentences, their figures, and one row per figure."""

    text: str
    norm: _Normalised
    lang: str
    pub: date | None
    guesser: IndicatorGuesser

    def rows(self) -> list[dict[str, object]]:
        norm = self.norm
        starts = _number_starts(norm.s, self.lang)
        positions = [pos for pos, _ in starts]
        carry = dates.DateContext()
        rows: list[dict[str, object]] = []
        previous_start = 0
        for bounds in _sentences(norm, self.text):
            k = bisect.bisect_left(norm.paragraphs, previous_start)
            if k < len(norm.paragraphs) and norm.paragraphs[k] < bounds[0]:
                carry.paragraph()  # a blank line since the previous sentence began
            previous_start = bounds[0]
            found = _figures_in(self.text, norm, bounds, starts, positions, self.lang)
            if not found:
                carry.sentence(dates.find_mentions(norm.s, bounds[0], bounds[1], self.pub))
                continue
            mentions = dates.find_mentions(norm.s, bounds[0], bounds[1], self.pub)
            carried = carry.carried
            sentence = _Sentence(
                bounds, mentions, (carry.sentence(mentions), carried), cues.SentenceCues(norm.s, *bounds),
                " ".join(self.text[norm.orig(bounds[0]) : norm.orig(bounds[1])].split()),
            )  # fmt: skip
            for i, item in enumerate(found):
                prev_end = found[i - 1].end if i else bounds[0]
                next_start = found[i + 1].start if i + 1 < len(found) else bounds[1]
                rows.append(self.describe(sentence, item, (prev_end, next_start)))
        return rows

    def describe(self, sentence: _Sentence, item: _Found, neighbours: tuple[int, int]) -> dict[str, object]:
        """One row of the result: the figure, its kind, date, scope, indicator and sentence."""
        s, r, bounds = self.norm.s, item.reading, sentence.bounds
        prev_end, next_start = neighbours
        clause = sentence.cues.clause(r.start, r.end)
        when = dates.date_for_figure(
            r.start, r.end, prev_end, next_start, sentence.mentions, *sentence.references
        )
        target, kind_cue = sentence.cues.is_target(clause, r.start, r.end, next_start)
        kind, kind_note = _kind(target, kind_cue, when.as_of, self.pub)
        scope, scope_note = sentence.cues.scope(clause, r.start, r.end, item.end)
        rate = any(m.kind is dates.Mention.RATE and r.end <= m.start <= r.end + 48 for m in sentence.mentions)
        own_words = s[r.end : item.end] + " " + s[item.start : r.number_start]
        weighted = [(3.0, own_words), (1.5, s[clause.start : clause.end]), (0.5, s[bounds[0] : bounds[1]])]
        flow = when.explicit_period or rate or bool(when.period_start)
        guess: Guess = self.guesser.guess(r.unit, weighted, self.lang, flow)
        flow_indicator = self.guesser.measure(guess.indicator) == "flow"
        period_start = (
            when.period_start if (when.explicit_period or flow_indicator) and kind == "actual" else ""
        )
        start, end = self.norm.orig(item.start), self.norm.orig(item.end)
        runner_up = guess.runner_up or "none"
        notes = [
            f"indicator guessed from its words (score {guess.score:.2f}; next best {runner_up})"
            if guess.indicator else "indicator: none fits well enough, choose one",
            f"as_of from {when.how}", kind_note, f"scope from {scope_note}",
        ]  # fmt: skip
        if item.note:
            notes.append(item.note)
        return {
            "start": start, "end": end, "phrase": self.text[start:end], "value": r.value, "unit": r.unit,
            "qualifier": r.qualifier, "lower": r.lower, "upper": r.upper, "out_of": r.out_of, "kind": kind,
            "as_of": when.as_of, "period_start": period_start, "scope": scope, "indicator": guess.indicator,
            "indicator_score": guess.score, "context": sentence.context, "notes": "; ".join(notes),
        }  # fmt: skip


_DTYPES = {"start": "int64", "end": "int64", "value": "float64", "lower": "float64", "upper": "float64",
           "out_of": "Int64", "indicator_score": "float64"}  # fmt: skip


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The rows as a DataFrame of :data:`COLUMNS`: numbers as numbers (NaN/<NA> where absent), text
    columns as ``object`` holding ``str`` or ``None``."""
    import numpy as np

    index = pd.RangeIndex(len(rows))
    columns: dict[str, object] = {}
    for name in COLUMNS:
        values = [row[name] for row in rows]
        dtype = _DTYPES.get(name, object)
        if dtype == "Int64":
            columns[name] = pd.array(values, dtype="Int64")
        elif dtype == "float64":
            columns[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        elif dtype == "int64":
            columns[name] = np.array(values, dtype=np.int64)
        else:
            column = np.empty(len(values), dtype=object)
            column[:] = values
            columns[name] = pd.Series(
                column, index=index, dtype=object
            )  # not pandas' str dtype: None stays None
    return pd.DataFrame(columns, index=index)


_DEADLINES = frozenset(("end of this year", "next year"))


def _kind(target: bool, cue: str, as_of: str, pub: date | None) -> tuple[str, str]:
    """actual or target. A deadline ahead ("by the end of this year") makes a target; a figure dated after
    publication is a target and one dated before it an actual, whatever its clause says (a bare year equal
    to the publication year decides nothing); otherwise the clause's cue decides."""
    if as_of in _DEADLINES:
        return "target", f"kind target: a deadline ahead ('{as_of}')"
    when = _resolved(as_of, pub)
    if when is not None and pub is not None and not (len(as_of) == 4 and int(as_of) == pub.year):
        if when > pub:
            return "target", "kind target: dated after publication"
        if when < pub:
            return "actual", "kind actual: dated before publication"
    if target:
        return "target", f"kind target: {cue}"
    return "actual", "kind actual: no goal stated"


def _resolved(as_of: str, pub: date | None) -> date | None:
    """``as_of`` as a date when it says something about past or future (not "published", "this year" or a
    month read against publication), else ``None``."""
    if pub is None or as_of in ("", "published", "this year") or as_of.startswith("in "):
        return None
    try:
        return resolve_as_of(as_of, pub.isoformat())
    except ValueError:
        return None
