"""Guess which registered indicator an extracted figure measures, from the words around it and its unit.

Each indicator of ``data/raw/indicators.csv`` is a small document: its id, label and definition. A figure's
query is the words of its phrase (what it counts: "accounts", "tài khoản"), of its clause and of its
sentence, with decreasing weights. The score is the cosine similarity of the two TF-IDF vectors, kept only
for indicators whose unit fits the figure's (a percentage is a share, an amount in VND an indicator in
VND, a rank a rank), nudged towards indicators of flows when the text names a period or a yearly rate and
away from them otherwise. The guess is the best indicator when its score reaches :data:`MIN_SCORE`, else
none: the reviewer picks one.

Vietnamese words are mapped to the English words of the registry through a short glossary
(:data:`GLOSSARY_VI`). Written here, not with a library, because the registry is small (about a hundred
short documents) and the matching needs the project's own vocabulary; a real model would be overkill.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

#: The score a guess must reach to be given (cosine similarity, 0-1).
MIN_SCORE = 0.2

#: Vietnamese words and phrases -> English words of the registry.
GLOSSARY_VI: dict[str, str] = {
    "cổng dịch vụ công quốc gia": "national public service portal", "cổng": "portal",
    "tài khoản": "account", "lượt truy cập": "visit", "truy cập": "visit", "hồ sơ": "dossier",
    "đồng bộ": "sync", "xử lý": "process", "tiếp nhận": "receive",
    "dịch vụ công trực tuyến": "online public service", "dịch vụ công": "public service",
    "dịch vụ": "service", "trực tuyến": "online", "thủ tục hành chính": "administrative procedure",
    "thủ tục": "procedure", "thanh toán": "payment", "giao dịch": "transaction", "cuộc gọi": "call",
    "phản ánh": "feedback", "kiến nghị": "feedback", "tiết kiệm": "savings", "chi phí": "cost",
    "toàn trình": "full process", "một phần": "partial", "mức độ 4": "level4 level", "mức độ 3": "level3",
    "bộ, ngành": "ministry", "bộ": "ministry", "địa phương": "locality", "tỉnh": "province",
    "doanh nghiệp": "business enterprise", "người dân": "citizen people", "chữ ký số": "digital signature",
    "định danh điện tử": "electronic identification", "bảo hiểm y tế": "health insurance",
    "bảo hiểm xã hội": "social insurance", "hóa đơn điện tử": "invoice",
    "văn bản điện tử": "electronic document",
    "xếp hạng": "rank", "chính phủ điện tử": "e-government", "chính phủ số": "digital government",
    "nền tảng": "platform", "kết nối": "connect", "tích hợp": "integrate", "chỉ số": "index",
    "hài lòng": "satisfaction", "số hóa": "digitised", "kết quả": "result", "ngân sách": "budget",
    "công nghệ thông tin": "it", "hệ thống thông tin": "information system", "đúng hạn": "schedule",
    "lần": "times", "bậc": "place rank change",
}  # fmt: skip

_SYNONYMS: dict[str, str] = {
    "access": "visit", "accesses": "visit", "visitor": "visit", "visitors": "visit", "visits": "visit",
    "opinion": "feedback", "reflection": "feedback", "petition": "feedback", "comment": "feedback",
    "response": "feedback", "recommendation": "feedback",
    "document": "dossier", "record": "dossier", "application": "dossier", "file": "dossier",
    "synced": "sync", "synchronised": "sync", "synchronized": "sync", "synchronization": "sync",
    "synchronisation": "sync", "processed": "process", "handled": "process", "handling": "process",
    "e-payment": "payment", "subscriber": "account", "registered": "account",
    "saving": "savings", "save": "savings", "saved": "savings", "helped": "", "workday": "workday",
    "place": "place", "spot": "place", "position": "place", "notch": "place",
    "services": "service", "enterprise": "business", "firm": "business", "company": "business",
    "province": "locality", "city": "locality", "provincial-level": "provincial", "ministries": "ministry",
    "ministry-level": "ministry", "agencies": "agency", "e-invoice": "invoice", "invoices": "invoice",
    "ranked": "rank", "ranking": "rank", "asean": "south-east asia", "southeast": "south-east",
}  # fmt: skip
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "their",
        "there",
        "than",
        "more",
        "less",
        "over",
        "under",
        "about",
        "nearly",
        "some",
        "which",
        "who",
        "whom",
        "into",
        "per",
        "each",
        "all",
        "any",
        "total",
        "number",
        "share",
        "rate",
        "count",
        "value",
        "level",
        "all",
        "new",
        "also",
        "including",
        "such",
        "not",
        "no",
        "only",
        "both",
        "within",
        "through",
        "mr",
        "ms",
        "he",
        "she",
        "they",
        "we",
        "said",
        "says",
        "say",
        "according",
        "other",
        "its",
        "his",
        "her",
        "after",
        "before",
        "since",
        "until",
    ]
)
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_GLOSSARY = sorted(
    ((_fold(vi), en) for vi, en in GLOSSARY_VI.items()), key=lambda kv: len(kv[0]), reverse=True
)
_GLOSSARY_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k, _ in _GLOSSARY) + r")(?![a-z0-9])"
)
_GLOSSARY_MAP = dict(_GLOSSARY)


def _stem(word: str) -> str:
    word = _SYNONYMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _SYNONYMS.get(word, word)


@lru_cache(maxsize=4096)
def tokens(text: str, lang: str = "en") -> tuple[str, ...]:
    """The content words of ``text``, stemmed, with Vietnamese words translated through the glossary."""
    folded = _fold(text)
    if lang == "vi" or not folded.isascii():
        folded = _GLOSSARY_RE.sub(lambda m: " " + _GLOSSARY_MAP[m.group()] + " ", folded)
    out = []
    for word in _WORD_RE.findall(folded.replace("_", " ")):
        stem = _stem(word)
        if stem and stem not in _STOP and not stem.isdigit():
            out.append(stem)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Guess:
    """The indicator guessed for a figure (``""`` when unsure), its score and the runner-up."""

    indicator: str
    score: float
    runner_up: str


_UNIT_FITS: dict[str | None, frozenset[str]] = {
    None: frozenset({"count", "index"}),
    "%": frozenset({"%"}),
    "VND": frozenset({"VND"}),
    "USD": frozenset({"USD"}),
    "rank": frozenset({"rank"}),
    "times": frozenset({"times"}),
}


class IndicatorGuesser:
    """TF-IDF over the registry; :meth:`guess` scores one figure's words against every indicator."""

    def __init__(self, indicators: pd.DataFrame) -> None:
        """``indicators``: the registry (``data.load_indicators()``), indexed by id, with label, unit,
        measure and definition columns."""
        docs: dict[str, Counter[str]] = {}
        for ident, label, definition in zip(
            indicators.index, indicators["label"], indicators["definition"], strict=True
        ):
            doc: Counter[str] = Counter()
            for weight, text in ((2.0, str(ident).replace("_", " ")), (2.0, label), (1.0, definition)):
                for token in tokens(str(text)):
                    doc[token] += weight
            docs[str(ident)] = doc
        n = len(docs)
        df = Counter(token for doc in docs.values() for token in doc)
        self._idf = {token: math.log((1 + n) / (1 + count)) + 1.0 for token, count in df.items()}
        self._unit = {str(i): str(u) for i, u in indicators["unit"].items()}
        self._measure = {str(i): str(m) for i, m in indicators["measure"].items()}
        self._cache: dict[tuple[str, str], tuple[dict[str, float], np.ndarray]] = {}
        self._ids = list(docs)
        self._is_flow = np.array([self._measure[i] == "flow" for i in self._ids])
        units = np.array([self._unit[i] for i in self._ids])
        self._fits = {unit: np.isin(units, sorted(fit)) for unit, fit in _UNIT_FITS.items()}
        self._index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, doc in enumerate(docs.values()):
            vector = {t: w * self._idf[t] for t, w in doc.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for token, value in vector.items():
                self._index[token].append((position, value / norm))

    def _partial(self, text: str, lang: str) -> tuple[dict[str, float], np.ndarray]:
        """The TF-IDF vector of ``text`` and its dot product with every indicator (cached: a sentence is
        shared by all of its figures)."""
        key = (text, lang)
        cached = self._cache.get(key)
        if cached is None:
            vector: dict[str, float] = defaultdict(float)
            for token in tokens(text, lang):
                if token in self._idf:
                    vector[token] += self._idf[token]
            partial = np.zeros(len(self._ids))
            for token, value in vector.items():
                for position, weight in self._index[token]:
                    partial[position] += value * weight
            if len(self._cache) >= 2048:
                self._cache.clear()
            cached = self._cache[key] = (dict(vector), partial)
        return cached

    def measure(self, indicator: str) -> str:
        """The registry's ``measure`` of an indicator (``flow``, ``cumulative``, ``share`` ...)."""
        return self._measure.get(indicator, "")

    def guess(
        self, unit: str | None, weighted_texts: list[tuple[float, str]], lang: str, flow: bool
    ) -> Guess:
        """The best indicator for a figure of ``unit`` described by ``weighted_texts``.

        ``flow`` says whether the text names a period or a yearly rate for the figure.
        """
        qvec: Counter[str] = Counter()
        raw = np.zeros(len(self._ids))
        for weight, text in weighted_texts:
            vector, partial = self._partial(text, lang)
            for token, value in vector.items():
                qvec[token] += weight * value
            raw += weight * partial
        qnorm = math.sqrt(sum(v * v for v in qvec.values()))
        fits = self._fits.get(unit)
        if not qnorm or fits is None:
            return Guess("", 0.0, "")
        scores = np.where(fits, raw / qnorm * np.where(self._is_flow == flow, 1.15, 0.85), -1.0)
        order = np.argsort(-scores, kind="stable")[:2]
        if scores[order[0]] <= 0:
            return Guess("", 0.0, "")
        best_score = min(float(scores[order[0]]), 1.0)
        runner = self._ids[order[1]] if len(order) > 1 and scores[order[1]] > 0 else ""
        best = self._ids[order[0]]
        return Guess(best if best_score >= MIN_SCORE else "", round(best_score, 3), runner)
