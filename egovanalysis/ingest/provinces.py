"""Province identity: the 63 units of 2008-2025, the 34 from July 2025, names in any spelling, and the build.

**Identity comes from a library.** Names, official codes, centroids and the 63 -> 34 map are those of
``vietnamadminunits`` (MIT, pinned to 1.0.4), read from the data files it ships (its ``parser_legacy.json``,
``parser_from_2025.json`` and ``converter_2025.json``). They are read directly rather than through the
package's parser modules because importing those pulls in shapely and geopy, compiles a few thousand
regular expressions (about a second) and creates an online geocoder; nothing here needs any of that, and
no step here touches the network. The version is pinned exactly, so the file layout cannot drift, and
:func:`build_provinces` cross-checks the library's map against the cited merger table
(``data/raw/province_merger_2025.csv``, Resolution 202/2025/QH15): the build fails when they disagree.

**Ids.** An id carries its era, because names and codes repeat across eras with different territory:
"Đà Nẵng" is one unit before July 2025 and a unit twice as large after it (DTI 2024 ranks both: 2nd of 63
and 17th of 34), and code 24 is Bắc Giang before and Bắc Ninh after. So

* a unit of 2008-2025 is the ASCII slug of its short name (``ha-noi``, ``bac-kan``, ``thua-thien-hue``);
* a unit from July 2025 is the same slug plus ``-2025`` (``ha-noi-2025``, ``hue-2025``), for all 34, the 11
  unchanged ones included: the era is then readable from any id, ``merged_into`` always points to a
  ``-2025`` id, and a rank row needs no separate "basis" column.

Two names are fixed by hand, each for a stated reason: Hồ Chí Minh City is ``ho-chi-minh-city`` (the
short name alone is the person's; ``reported_figures.csv`` already uses that scope), and the 2008-2025 unit
of Huế is ``thua-thien-hue`` with ``name_vi`` "Thừa Thiên Huế", its name until 31 December 2024 (the
library already uses the 2025 name "Huế" for it).

**Names resolve exactly, never by guess.** :func:`resolve` folds a name to a key (no diacritics, ``đ`` ->
``d``, lower case, letters and digits only), drops words that do not change the unit ("Tỉnh", "TP.",
"province", "city", "former", ...) and looks the key up in the library's own keyword table for the era
asked, plus the small alias table :data:`ALIASES`. Anything else is a :class:`ProvinceNameError` naming
near matches; a city inside a province ("Da Lat", "Vung Tau") is an error that names the province, so a
source that writes a city for its province has to say so (``resolve_as`` in the raw files). The era is
always explicit: "Đà Nẵng" names a different unit in each.
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from egovanalysis import config
from egovanalysis.errors import DataIssue, DataValidationError, EgovError, ProvinceNameError, SelectionError
from egovanalysis.ingest.rawio import LINE_COLUMN, read_raw_csv

__all__ = [
    "ALIASES",
    "CITIES",
    "INDEX_FILES",
    "PROVINCES_COLUMNS",
    "PROVINCIAL_INDICES",
    "PROVINCIAL_INDICES_COLUMNS",
    "Era",
    "IndexSpec",
    "Unit",
    "build_provinces",
    "name_key",
    "parse_era",
    "resolve",
    "resolve_names",
    "slug",
    "units",
]

LIBRARY = "vietnamadminunits"
LIBRARY_VERSION = "1.0.4"

#: Raw files read by :func:`build_provinces` (in ``data/raw``).
MERGER_CSV = "province_merger_2025.csv"
INDEX_FILES = ("dti_provincial.csv", "mic_egov_2017.csv", "ict_index_2023.csv")
FIGURES_CSV = "provincial_figures.csv"

MERGER_COLUMNS = ["new_unit", "kind", "members", "source_id", "also_in", "confidence", "notes"]
INDEX_COLUMNS = [
    "index",
    "year",
    "basis",
    "province_printed",
    "resolve_as",
    "rank",
    "rank_kind",
    "n_ranked",
    "score_printed",
    "source_id",
    "also_in",
    "in_facts",
    "confidence",
    "notes",
]
FIGURES_COLUMNS = ["index", "figure_id", "rank", "rank_kind", "n_ranked", "notes"]

#: Processed contracts (DESIGN.md, "Provinces").
PROVINCES_COLUMNS = ["province_id", "name_vi", "name_ascii", "code", "era", "merged_into", "lat", "lon"]
PROVINCIAL_INDICES_COLUMNS = ["index", "year", "province_id", "rank", "n_ranked", "score", "source_id"]

#: How a rank was obtained: printed by the source; printed and shared with another unit; the unit's place
#: in a list the source presents as ordered; or following from a change the source states.
RANK_KINDS = ("stated", "tie", "sequence", "implied")
#: The members of a merged unit are written ``A + B + C`` in the merger table.
MEMBER_SEPARATOR = " + "
KINDS = ("city", "province")


class Era(StrEnum):
    """The two sets of provincial-level units, named as in ``provinces.csv``'s ``era`` column."""

    BEFORE_2025 = "2008-2025"
    FROM_2025 = "2025-"

    @property
    def n_units(self) -> int:
        """63 units before the 2025 merger, 34 after it."""
        return 63 if self is Era.BEFORE_2025 else 34

    @property
    def id_suffix(self) -> str:
        return "" if self is Era.BEFORE_2025 else "-2025"

    @property
    def other(self) -> Era:
        return Era.FROM_2025 if self is Era.BEFORE_2025 else Era.BEFORE_2025

    @property
    def label(self) -> str:
        """``the 63 units of 2008-2025`` / ``the 34 units from July 2025``: for sentences."""
        if self is Era.BEFORE_2025:
            return "the 63 units of 2008-2025"
        return "the 34 units from July 2025"


_ERA_WORDS = {
    "63": Era.BEFORE_2025,
    "34": Era.FROM_2025,
    "2008-2025": Era.BEFORE_2025,
    "2025-": Era.FROM_2025,
}


def parse_era(value: Any) -> Era:
    """The era named by ``value``: ``"63"``, ``63`` or ``"2008-2025"``; ``"34"``, ``34`` or ``"2025-"``."""
    if isinstance(value, Era):
        return value
    era = _ERA_WORDS.get(str(value).strip())
    if era is None:
        raise SelectionError(
            f"unknown era {value!r}: write 63 (or 2008-2025) for the units before July 2025, "
            "34 (or 2025-) for the units since"
        )
    return era


def era_of_id(province_id: str) -> Era:
    """The era an id belongs to, read from its suffix (see the module's notes on ids)."""
    return Era.FROM_2025 if province_id.endswith(Era.FROM_2025.id_suffix) else Era.BEFORE_2025


# --------------------------------------------------------------------------------------------------------
# Text folding
# --------------------------------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Vietnamese text without diacritics: ``"Thừa Thiên Huế"`` -> ``"Thua Thien Hue"``, ``đ`` -> ``d``.

    Written here rather than taken from Unidecode because Vietnamese needs only this: every accented
    Vietnamese letter decomposes (NFD) into an ASCII letter and combining marks, except ``đ``/``Đ``.
    ``tests/test_provinces.py`` checks that the keys made this way equal the library's own keywords.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def name_key(text: str) -> str:
    """A name's lookup key, as the library writes its keywords: ``"TP. Hồ Chí Minh"`` -> ``"tphochiminh"``."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def slug(text: str) -> str:
    """An ASCII slug: ``"Bà Rịa - Vũng Tàu"`` -> ``"ba-ria-vung-tau"``."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


# --------------------------------------------------------------------------------------------------------
# The library
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryData:
    """The three tables of ``vietnamadminunits`` used here, as shipped."""

    legacy: dict[
        str, dict[str, Any]
    ]  # 63 units: key -> provinceKeywords, province, provinceShort, code, lat, lon
    current: dict[str, dict[str, Any]]  # 34 units, same fields
    merger: dict[str, list[str]]  # 2025 key -> keys of its 2008-2025 members
    folder: Path
    version: str


@functools.cache
def library() -> LibraryData:
    """Read the library's province tables (once per process); no import of its parser, no network."""
    spec = importlib.util.find_spec(LIBRARY)
    if spec is None or not spec.submodule_search_locations:
        raise EgovError(f"{LIBRARY} is not installed: run `make setup` (it is pinned in pyproject.toml)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    version = importlib.metadata.version(LIBRARY)

    def table(name: str) -> dict[str, Any]:
        path = folder / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))["DICT_PROVINCE"]
        except (OSError, KeyError, ValueError) as error:
            raise EgovError(
                f"{path}: cannot read the province table of {LIBRARY} {version} ({error}); "
                f"this project reads the files of version {LIBRARY_VERSION}: run `make setup`"
            ) from error

    return LibraryData(
        legacy=table("parser_legacy.json"),
        current=table("parser_from_2025.json"),
        merger=table("converter_2025.json"),
        folder=folder,
        version=version,
    )


# --------------------------------------------------------------------------------------------------------
# Units and ids
# --------------------------------------------------------------------------------------------------------

#: Ids fixed by hand (library key -> id without era suffix): the short name "Hồ Chí Minh" is the person's.
_ID_STEMS = {"thanhphohochiminh": "ho-chi-minh-city"}
#: Names fixed by hand: (library key, era) -> name_vi. Huế was Thừa Thiên Huế province until 31 Dec 2024.
_NAMES_VI = {
    ("thanhphohochiminh", Era.BEFORE_2025): "Thành phố Hồ Chí Minh",
    ("thanhphohochiminh", Era.FROM_2025): "Thành phố Hồ Chí Minh",
    ("thanhphohue", Era.BEFORE_2025): "Thừa Thiên Huế",
}


@dataclass(frozen=True)
class Unit:
    """One provincial-level unit of one era."""

    province_id: str
    name_vi: str
    code: str
    era: Era
    kind: str  # "city" (centrally run) or "province", from the library's full name
    lat: float
    lon: float
    library_key: str

    @property
    def name_ascii(self) -> str:
        return ascii_fold(self.name_vi)


def _unit(key: str, entry: Mapping[str, Any], era: Era) -> Unit:
    name_vi = _NAMES_VI.get((key, era), entry["provinceShort"])
    stem = _ID_STEMS.get(key) or slug(name_vi)
    return Unit(
        province_id=stem + era.id_suffix,
        name_vi=name_vi,
        code=str(entry["provinceCode"]),
        era=era,
        kind="city" if str(entry["province"]).startswith("Thành phố") else "province",
        lat=float(entry["provinceLat"]),
        lon=float(entry["provinceLon"]),
        library_key=key,
    )


@functools.cache
def units() -> dict[str, Unit]:
    """Every unit of both eras by id (63 + 34), in the library's order (by official code within an era)."""
    data = library()
    found: dict[str, Unit] = {}
    for era, table in ((Era.BEFORE_2025, data.legacy), (Era.FROM_2025, data.current)):
        for key, entry in sorted(table.items(), key=lambda item: str(item[1]["provinceCode"])):
            unit = _unit(key, entry, era)
            if unit.province_id in found:  # two units with one id: the id rule above is not enough
                raise EgovError(f"{LIBRARY}: two units of {era} give the id {unit.province_id!r}")
            found[unit.province_id] = unit
    return found


def _by_key(era: Era) -> dict[str, Unit]:
    return {unit.library_key: unit for unit in units().values() if unit.era is era}


# --------------------------------------------------------------------------------------------------------
# Name resolution
# --------------------------------------------------------------------------------------------------------

#: Spellings the library's keywords miss (key -> library key), per era; nothing else is guessed.
ALIASES: dict[Era, dict[str, str]] = {
    Era.BEFORE_2025: {
        "thuathienhue": "thanhphohue",  # the unit's name until 31 Dec 2024; the library knows only "Huế"
        "thuathien": "thanhphohue",
        "hcmc": "thanhphohochiminh",
        "saigon": "thanhphohochiminh",
        "baccan": "tinhbackan",  # "Bắc Cạn", a common variant of Bắc Kạn
        "brvt": "tinhbariavungtau",  # the usual abbreviation of Bà Rịa - Vũng Tàu
    },
    Era.FROM_2025: {
        "thuathienhue": "thanhphohue",  # the press still writes the old name for the (unchanged) unit
        "hcmc": "thanhphohochiminh",
        "saigon": "thanhphohochiminh",
    },
}

#: Cities inside a province, which are not provincial-level units: key -> (name, library key of the
#: 2008-2025 province). The library lists "vungtau" and "baria" as keywords of Bà Rịa - Vũng Tàu and its
#: address parser maps "Da Lat" to Lâm Đồng; here each is an error that names the province.
CITIES: dict[str, tuple[str, str]] = {
    "dalat": ("Đà Lạt", "tinhlamdong"),
    "vungtau": ("Vũng Tàu", "tinhbariavungtau"),
    "baria": ("Bà Rịa", "tinhbariavungtau"),
    "nhatrang": ("Nha Trang", "tinhkhanhhoa"),
    "phanthiet": ("Phan Thiết", "tinhbinhthuan"),
    "thuduc": ("Thủ Đức", "thanhphohochiminh"),
    "buonmathuot": ("Buôn Ma Thuột", "tinhdaklak"),
    "quynhon": ("Quy Nhơn", "tinhbinhdinh"),
    "halong": ("Hạ Long", "tinhquangninh"),
    "vinh": ("Vinh", "tinhnghean"),
    "hoian": ("Hội An", "tinhquangnam"),
    "pleiku": ("Pleiku", "tinhgialai"),
}

#: Words before or after a name that do not change the unit (keys), removed repeatedly.
_PREFIXES = ("thanhpho", "tinh", "tp", "provinceof", "cityof")
_SUFFIXES = ("city", "province")
#: Words that say which era a name is meant in ("former Da Nang", "Đà Nẵng cũ", "new Da Nang").
_ERA_PREFIXES = {"former": Era.BEFORE_2025, "old": Era.BEFORE_2025, "new": Era.FROM_2025}
_ERA_SUFFIXES = {"old": Era.BEFORE_2025, "cu": Era.BEFORE_2025, "new": Era.FROM_2025, "moi": Era.FROM_2025}


def _strip(key: str) -> tuple[str, Era | None]:
    """Remove the words that do not change the unit; return the core key and the era a word implies."""
    implied: Era | None = None
    changed = True
    while changed:
        changed = False
        for word in (*_PREFIXES, *_ERA_PREFIXES):
            if key.startswith(word) and len(key) > len(word) + 1:
                key, implied, changed = key[len(word) :], _ERA_PREFIXES.get(word, implied), True
        for word in (*_SUFFIXES, *_ERA_SUFFIXES):
            if key.endswith(word) and len(key) > len(word) + 1:
                key, implied, changed = key[: -len(word)], _ERA_SUFFIXES.get(word, implied), True
    return key, implied


@functools.cache
def _lookup(era: Era) -> dict[str, str]:
    """key -> library key for one era: the library's keywords (cities removed), short names, aliases."""
    table: dict[str, str] = {}
    entries = library().legacy if era is Era.BEFORE_2025 else library().current
    for key, entry in entries.items():
        for keyword in [*entry["provinceKeywords"], name_key(entry["provinceShort"])]:
            if keyword in CITIES:
                continue
            if table.setdefault(keyword, key) != key:
                raise EgovError(f"{LIBRARY}: keyword {keyword!r} names two units of {era}")
    for alias, key in ALIASES[era].items():
        if table.setdefault(alias, key) != key:
            raise EgovError(f"alias {alias!r} of {era} is already a keyword of another unit")
    return table


def _find(name: str, era: Era) -> tuple[str | None, str, Era | None]:
    """(library key or None, core key, era implied by a word in the name)."""
    table = _lookup(era)
    key = name_key(name)
    if key in table:
        return table[key], key, None
    core, implied = _strip(key)
    return table.get(core), core, implied


def _unknown(name: str, era: Era, core: str) -> ProvinceNameError:
    """The error for a name that is no unit of ``era``: a city, a unit of the other era, or unknown."""
    if core in CITIES or name_key(name) in CITIES:
        city, province_key = CITIES.get(core) or CITIES[name_key(name)]
        province = _by_key(Era.BEFORE_2025)[province_key]
        where = f"{province.name_vi} ({province.province_id})"
        if era is Era.FROM_2025:
            merged = _by_key(Era.FROM_2025)[_merger_key_of(province_key)]
            where += f", part of {merged.name_vi} ({merged.province_id}) since July 2025"
        return ProvinceNameError(
            f"{name!r} is {city}, a city in {where}, not a provincial-level unit",
            name=name,
            era=str(era),
            city_of=province.province_id,
        )
    other_key, _, _ = _find(name, era.other)
    if other_key is not None:
        other = _by_key(era.other)[other_key]
        fate = ""
        if other.era is Era.BEFORE_2025:
            merged = _by_key(Era.FROM_2025)[_merger_key_of(other.library_key)]
            fate = f" (part of {merged.name_vi}, {merged.province_id}, since July 2025)"
        return ProvinceNameError(
            f"{name!r} names {other.name_vi} ({other.province_id}), one of {era.other.label}{fate}, "
            f"not one of {era.label}",
            name=name,
            era=str(era),
            other_era=other.province_id,
        )
    table = _lookup(era)
    by_key = _by_key(era)
    near_keys = difflib.get_close_matches(core, list(table), n=6, cutoff=0.7)
    near = tuple(dict.fromkeys(by_key[table[key]].province_id for key in near_keys))[:3]
    shown = ", ".join(f"{units()[pid].name_ascii} ({pid})" for pid in near)
    hint = f"near matches: {shown}" if near else "no near match"
    return ProvinceNameError(
        f"{name!r} is not one of {era.label} ({hint})",
        name=name,
        era=str(era),
        near=near,
    )


def _merger_key_of(legacy_key: str) -> str:
    return next(new for new, members in library().merger.items() if legacy_key in members)


def resolve(name: str, era: Era | str) -> str:
    """The id of the unit ``name`` names in ``era`` (``"63"``/``"2008-2025"`` or ``"34"``/``"2025-"``).

    Raises :class:`~egovanalysis.errors.ProvinceNameError` for an empty or unknown name (with near
    matches), a city (naming its province), a name of the other era only, or a name whose words
    ("former", "new") contradict ``era``.
    """
    era = parse_era(era)
    if not name or not name_key(name):
        raise ProvinceNameError("an empty name names no province", name=name, era=str(era))
    key, core, implied = _find(name, era)
    if key is None:
        raise _unknown(name, era, core)
    unit = _by_key(era)[key]
    if implied is not None and implied is not era:
        other_key, _, _ = _find(name, implied)
        raise ProvinceNameError(
            f"{name!r} says it means one of {implied.label}, but {era.label} were asked for",
            name=name,
            era=str(era),
            other_era=_by_key(implied)[other_key].province_id if other_key else None,
        )
    return unit.province_id


def resolve_names(names: Iterable[str], era: Era | str) -> pd.DataFrame:
    """Resolve a list of names, one row each, flagging rather than raising.

    Columns: ``position`` (1-based), ``name``, ``province_id`` (empty when not resolved), ``city_of`` (the
    province a city lies in), ``duplicate_of`` (position of the first entry with the same id), ``problem``
    (the error's message, empty when resolved). Cities are never mapped to their province silently.
    """
    rows: list[dict[str, Any]] = []
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        row: dict[str, Any] = {
            "position": position,
            "name": name,
            "province_id": "",
            "city_of": "",
            "duplicate_of": pd.NA,
            "problem": "",
        }
        try:
            province_id = resolve(name, era)
        except ProvinceNameError as error:
            row.update(city_of=error.city_of or "", problem=str(error))
        else:
            row["province_id"] = province_id
            if province_id in first:
                row["duplicate_of"] = first[province_id]
            first.setdefault(province_id, position)
        rows.append(row)
    frame = pd.DataFrame(
        rows, columns=["position", "name", "province_id", "city_of", "duplicate_of", "problem"]
    )
    frame["duplicate_of"] = frame["duplicate_of"].astype("Int64")
    return frame


# --------------------------------------------------------------------------------------------------------
# Provincial indices
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexSpec:
    """What a provincial index measures, the range of its scores, and a short name for chart titles."""

    label: str
    short: str
    unit: str  # "index" (a score 0-1) or "%"
    low: float
    high: float
    indicator: str | None = None  # for indices built from reported figures: the figures' indicator


#: The provincial indices in ``provincial_indices.csv`` (higher scores are better in every one).
PROVINCIAL_INDICES: dict[str, IndexSpec] = {
    "dti": IndexSpec("Digital Transformation Index (DTI), provincial", "DTI", "index", 0, 1),
    "dti_digital_government": IndexSpec(
        "DTI pillar: digital government", "DTI digital government", "index", 0, 1
    ),
    "dti_digital_economy": IndexSpec("DTI pillar: digital economy", "DTI digital economy", "index", 0, 1),
    "dti_digital_society": IndexSpec("DTI pillar: digital society", "DTI digital society", "index", 0, 1),
    "mic_egov_2017": IndexSpec(
        "IT application and e-government development (MIC ranking)", "MIC e-government ranking", "index", 0, 1
    ),
    "ict_index": IndexSpec("Vietnam ICT Index (readiness for ICT development)", "ICT Index", "index", 0, 1),
    "full_process_share": IndexSpec(
        "Share of dossiers processed fully online",
        "Full-process dossiers",
        "%",
        0,
        100,
        indicator="full_process_dossiers_share",
    ),
    "full_process_procedures_share": IndexSpec(
        "Share of procedures offered fully online",
        "Full-process procedures",
        "%",
        0,
        100,
        indicator="full_process_procedures_share",
    ),
}

_SCORE = re.compile(r"^(?P<int>[01])(?:[.,](?P<frac>\d+))?$")


def read_score(text: str) -> float:
    """A 0-1 index score as printed, ``"0,727"`` or ``"0.8002"``: either mark is the decimal mark.

    Not the figure parser: it reads a point in a Vietnamese source as a thousands separator, but a score
    between 0 and 1 has no thousands, so here either mark can only be decimal. Raises ``ValueError``.
    """
    match = _SCORE.match(text.strip())
    if match is None:
        raise ValueError("not a score between 0 and 1 written like 0,727 or 0.8002")
    value = float(f"{match['int']}.{match['frac'] or 0}")
    if value > 1:
        raise ValueError("a score above 1")
    return value


# --------------------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------------------


class _Collector:
    """Issues of one file, each naming its line; rows read and rows with problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.issues: list[DataIssue] = []

    def add(self, line: int | None, column: str | None, value: Any, problem: str, fix: str) -> None:
        shown = None if value is None else str(value)
        self.issues.append(DataIssue(self.path, line, column, shown, problem, fix))


_FIX_NAME = (
    "write the unit's name as the source prints it; if the source means a province by a city's name or "
    "another name, keep the printed name and write the unit's name in resolve_as, saying why in notes"
)
_FIX_SOURCE = "use a source_id listed in data/raw/sources.csv, or add the source there first"


def _check_sources(row: pd.Series, source_ids: set[str], out: _Collector) -> None:
    line = int(row[LINE_COLUMN])
    if row["source_id"] not in source_ids:
        out.add(line, "source_id", row["source_id"], "unknown source_id", _FIX_SOURCE)
    for other in filter(None, (part.strip() for part in row.get("also_in", "").split(";"))):
        if other not in source_ids:
            out.add(line, "also_in", other, "unknown source_id", _FIX_SOURCE + "; separate several with ';'")


def _resolve_cell(row: pd.Series, column: str, name: str, era: Era, out: _Collector) -> str | None:
    try:
        return resolve(name, era)
    except ProvinceNameError as error:
        out.add(int(row[LINE_COLUMN]), column, name, str(error), _FIX_NAME)
        return None


def read_merger(path: Path, source_ids: set[str]) -> tuple[dict[str, str], list[DataIssue]]:
    """Read the cited merger table; return {2008-2025 id: 2025 id} and the problems found.

    Checks every name, that each of the 63 units is in exactly one of the 34, and that the library's map
    (``converter_2025.json``) and city/province kinds agree with the table, row by row.
    """
    frame = read_raw_csv(path, MERGER_COLUMNS)
    out = _Collector(path)
    crosswalk: dict[str, str] = {}
    seen_new: dict[str, int] = {}
    for _, row in frame.iterrows():
        line = int(row[LINE_COLUMN])
        _check_sources(row, source_ids, out)
        new_id = _resolve_cell(row, "new_unit", row["new_unit"], Era.FROM_2025, out)
        if row["kind"] not in KINDS:
            out.add(line, "kind", row["kind"], "is not one of: " + ", ".join(KINDS), "write city or province")
        printed = (
            [part.strip() for part in row["members"].split(MEMBER_SEPARATOR.strip())]
            if row["members"]
            else []
        )
        names = printed or [row["new_unit"]]  # an unchanged unit contains itself
        members = [
            _resolve_cell(row, "members" if printed else "new_unit", name, Era.BEFORE_2025, out)
            for name in names
        ]
        if new_id is None:
            continue
        if new_id in seen_new:
            out.add(
                line,
                "new_unit",
                row["new_unit"],
                f"the unit is listed twice (first on line {seen_new[new_id]})",
                "list each 2025 unit once",
            )
            continue
        seen_new[new_id] = line
        for member in filter(None, members):
            if member in crosswalk:
                out.add(
                    line,
                    "members",
                    units()[member].name_vi,
                    f"is already a member of {units()[crosswalk[member]].name_vi}",
                    "each unit of 2008-2025 belongs to exactly one unit of 2025: check the Resolution",
                )
                continue
            crosswalk[member] = new_id
        _compare_with_library(row, new_id, [m for m in members if m], out)
    _check_complete(crosswalk, seen_new, out)
    return crosswalk, out.issues


def _compare_with_library(row: pd.Series, new_id: str, members: list[str], out: _Collector) -> None:
    line = int(row[LINE_COLUMN])
    unit = units()[new_id]
    by_key = _by_key(Era.BEFORE_2025)
    library_members = sorted(by_key[key].province_id for key in library().merger.get(unit.library_key, []))
    if sorted(members) != library_members:
        shown = " + ".join(units()[pid].name_vi for pid in library_members) or "nothing"
        out.add(
            line,
            "members",
            row["members"] or row["new_unit"],
            f"{LIBRARY} {library().version} puts {shown} into {unit.name_vi}; this table disagrees",
            "check this row against Resolution 202/2025/QH15; if the table is right, the library is "
            "wrong and cannot be used for the crosswalk (pin a corrected version)",
        )
    if row["kind"] in KINDS and row["kind"] != unit.kind:
        out.add(
            line,
            "kind",
            row["kind"],
            f"{LIBRARY} has {unit.name_vi} as a {unit.kind}",
            "check the unit's status (city or province) in the Resolution",
        )


def _check_complete(crosswalk: dict[str, str], seen_new: dict[str, int], out: _Collector) -> None:
    old = [u for u in units().values() if u.era is Era.BEFORE_2025 and u.province_id not in crosswalk]
    new = [u for u in units().values() if u.era is Era.FROM_2025 and u.province_id not in seen_new]
    if old:
        out.add(
            None,
            "members",
            ", ".join(u.name_vi for u in old),
            f"{len(old)} unit(s) of 2008-2025 belong to no unit of 2025",
            "add each to the members of the 2025 unit it became part of",
        )
    if new:
        out.add(
            None,
            "new_unit",
            ", ".join(u.name_vi for u in new),
            f"{len(new)} unit(s) of 2025 are missing",
            "add a row for each (members empty when the unit was not merged)",
        )


def provinces_table(crosswalk: Mapping[str, str]) -> pd.DataFrame:
    """``provinces.csv``: every unit of both eras (DESIGN.md contract), the 63 with their 2025 unit."""
    rows = [
        {
            "province_id": unit.province_id,
            "name_vi": unit.name_vi,
            "name_ascii": unit.name_ascii,
            "code": unit.code,
            "era": str(unit.era),
            "merged_into": crosswalk.get(unit.province_id, ""),
            "lat": unit.lat,
            "lon": unit.lon,
        }
        for unit in units().values()
    ]
    return pd.DataFrame(rows, columns=PROVINCES_COLUMNS)


def _check_rank(row: pd.Series, era: Era | None, out: _Collector) -> tuple[int | None, int | None]:
    """(rank, n_ranked) of an index row, checking they are whole numbers that fit together."""
    line = int(row[LINE_COLUMN])
    rank = n_ranked = None
    if row["rank"]:
        if not row["rank"].isdigit() or int(row["rank"]) < 1:
            out.add(
                line, "rank", row["rank"], "is not a whole number of at least 1", "write the rank as printed"
            )
        else:
            rank = int(row["rank"])
        if row["rank_kind"] not in RANK_KINDS:
            out.add(
                line,
                "rank_kind",
                row["rank_kind"],
                "is not one of: " + ", ".join(RANK_KINDS),
                "say how the rank was obtained",
            )
        if not row["n_ranked"].isdigit():
            out.add(
                line,
                "n_ranked",
                row["n_ranked"],
                "a rank needs the number of units ranked",
                "write how many units the ranking covers (63 or 34), even when only part of it is known",
            )
        else:
            n_ranked = int(row["n_ranked"])
            if era is not None and not 1 <= n_ranked <= era.n_units:
                out.add(line, "n_ranked", row["n_ranked"], f"more units than {era.label}", "check the basis")
            if rank is not None and rank > n_ranked:
                out.add(line, "rank", row["rank"], f"is beyond the {n_ranked} units ranked", "check the rank")
    elif row["rank_kind"] or row["n_ranked"]:
        out.add(
            line,
            "rank",
            "",
            "rank_kind or n_ranked is given without a rank",
            "leave rank_kind and n_ranked empty when the source gives no rank",
        )
    return rank, n_ranked


def _check_score(row: pd.Series, spec: IndexSpec | None, out: _Collector) -> float | None:
    if not row["score_printed"]:
        return None
    line = int(row[LINE_COLUMN])
    try:
        score = read_score(row["score_printed"])
    except ValueError as error:
        out.add(line, "score_printed", row["score_printed"], str(error), "copy the score as printed")
        return None
    if spec is not None and not spec.low <= score <= spec.high:
        out.add(
            line,
            "score_printed",
            row["score_printed"],
            f"outside {spec.low:g}-{spec.high:g}",
            "copy the score as printed",
        )
    return score


def _index_row(row: pd.Series, source_ids: set[str], out: _Collector) -> dict[str, Any] | None:
    """One raw index row -> one processed row, or ``None`` (the problems are in ``out``)."""
    line = int(row[LINE_COLUMN])
    before = len(out.issues)
    _check_sources(row, source_ids, out)
    spec = PROVINCIAL_INDICES.get(row["index"])
    if spec is None or spec.indicator is not None:
        out.add(
            line,
            "index",
            row["index"],
            "is not a provincial index transcribed in these files",
            "use one of: " + ", ".join(k for k, v in PROVINCIAL_INDICES.items() if v.indicator is None),
        )
    if not re.fullmatch(r"(19|20)\d\d", row["year"]):
        out.add(line, "year", row["year"], "is not a year", "write the year the index measures, e.g. 2022")
    era = None
    try:
        era = parse_era(row["basis"])
    except SelectionError:
        out.add(line, "basis", row["basis"], "is not 63 or 34", "write 63 (units before July 2025) or 34")
    province_id = None
    if era is not None:
        name = row["resolve_as"] or row["province_printed"]
        province_id = _resolve_cell(
            row, "resolve_as" if row["resolve_as"] else "province_printed", name, era, out
        )
    rank, n_ranked = _check_rank(row, era, out)
    score = _check_score(row, spec, out)
    if rank is None and score is None and not row["rank"] and not row["score_printed"]:
        out.add(
            line,
            "rank",
            "",
            "the row has neither a rank nor a score",
            "leave out mentions without a rank or a score (say so in the file's .meta.yml)",
        )
    if len(out.issues) > before:
        return None
    return {
        "index": row["index"],
        "year": int(row["year"]),
        "province_id": province_id,
        "rank": rank,
        "n_ranked": n_ranked,
        "score": score,
        "source_id": row["source_id"],
        "raw_line": line,
        "rank_kind": row["rank_kind"],
        "raw_file": out.path,
    }


def read_index_file(path: Path, source_ids: set[str]) -> tuple[list[dict[str, Any]], list[DataIssue]]:
    """Rows of a transcribed index file (DTI, MIC 2017, ICT Index), checked one by one."""
    frame = read_raw_csv(path, INDEX_COLUMNS)
    out = _Collector(path)
    rows = [row for _, raw in frame.iterrows() if (row := _index_row(raw, source_ids, out)) is not None]
    return rows, out.issues


def _figure_row(row: pd.Series, figures: pd.DataFrame, out: _Collector) -> dict[str, Any] | None:
    line = int(row[LINE_COLUMN])
    before = len(out.issues)
    spec = PROVINCIAL_INDICES.get(row["index"])
    if spec is None or spec.indicator is None:
        out.add(
            line,
            "index",
            row["index"],
            "is not an index built from reported figures",
            "use one of: " + ", ".join(k for k, v in PROVINCIAL_INDICES.items() if v.indicator),
        )
    if row["figure_id"] not in figures.index:
        out.add(
            line,
            "figure_id",
            row["figure_id"],
            "is not a figure of data/raw/reported_figures.csv",
            "use the figure_id of the reported figure",
        )
        return None
    figure = figures.loc[row["figure_id"]]
    scope = str(figure["scope"])
    province_id = scope.removeprefix("province:")
    if not scope.startswith("province:") or province_id not in units():
        out.add(
            line,
            "figure_id",
            row["figure_id"],
            f"the figure's scope {scope!r} is not a province",
            "link only figures whose scope is province:<id>",
        )
    if spec is not None and spec.indicator is not None and figure["indicator"] != spec.indicator:
        out.add(
            line,
            "figure_id",
            row["figure_id"],
            f"the figure measures {figure['indicator']}, not {spec.indicator}",
            "link a figure of that index",
        )
    if pd.notna(figure["qualifier"]) and str(figure["qualifier"]):
        out.add(
            line,
            "figure_id",
            row["figure_id"],
            f"the figure is a bound ({figure['qualifier']}), not a score",
            "link only exact figures; bounds stay in observations.csv",
        )
    era = era_of_id(province_id) if province_id in units() else None
    rank, n_ranked = _check_rank(row, era, out)
    if len(out.issues) > before:
        return None
    return {
        "index": row["index"],
        "year": int(pd.Timestamp(figure["date"]).year),
        "province_id": province_id,
        "rank": rank,
        "n_ranked": n_ranked,
        "score": float(figure["value"]),
        "source_id": figure["source_id"],
        "raw_line": line,
        "rank_kind": row["rank_kind"],
        "raw_file": out.path,
    }


def read_figures_file(path: Path, observations: pd.DataFrame) -> tuple[list[dict[str, Any]], list[DataIssue]]:
    """Rows of ``provincial_figures.csv``: reported figures about one province, as provincial index rows.

    The score is the figure's value as the build parsed it (observations.csv): a figure is transcribed
    once, in ``reported_figures.csv``, and only its rank is added here.
    """
    frame = read_raw_csv(path, FIGURES_COLUMNS)
    figures = observations.drop_duplicates("figure_id").set_index("figure_id")
    out = _Collector(path)
    rows = [row for _, raw in frame.iterrows() if (row := _figure_row(raw, figures, out)) is not None]
    return rows, out.issues


def _ranking_issues(rows: pd.DataFrame) -> list[DataIssue]:
    """Across rows: one row per unit and ranking; ties marked and counted as ties (15, 15, 17); scores
    falling as ranks rise."""
    issues: list[DataIssue] = []

    def issue(row: Any, column: str, value: Any, problem: str, fix: str) -> None:
        issues.append(DataIssue(row.raw_file, int(row.raw_line), column, str(value), problem, fix))

    for _, group in rows.groupby(["index", "year", "era"], sort=False):
        for row in group[group.duplicated("province_id")].itertuples():
            issue(
                row,
                "province_printed",
                row.province_id,
                f"{row.province_id} appears twice in this ranking",
                "keep one row per unit and ranking (the best-sourced one; name the others in also_in)",
            )
        ranked = group[group["rank"].notna()]
        counts = ranked["rank"].value_counts()
        for row in ranked.itertuples():
            shared = counts[row.rank] > 1
            if shared != (row.rank_kind == "tie"):
                issue(
                    row,
                    "rank_kind",
                    row.rank_kind,
                    f"rank {row.rank} is {'shared' if shared else 'not shared'} but rank_kind says otherwise",
                    "write rank_kind=tie exactly on the rows that share a rank",
                )
            skipped = [r for r in range(row.rank + 1, row.rank + counts[row.rank]) if r in counts.index]
            if shared and skipped:
                issue(
                    row,
                    "rank",
                    row.rank,
                    f"{counts[row.rank]} units tie at {row.rank}, so rank {skipped[0]} cannot exist",
                    "check the ranks after the tie (a tie at 15 of two is followed by 17)",
                )
        scored = ranked[ranked["score"].notna()].sort_values("rank")
        rising = scored["score"].diff() > 0
        for row in scored[rising].itertuples():
            issue(
                row,
                "score_printed",
                row.score,
                f"scores higher than a unit ranked above it (rank {row.rank})",
                "check the rank and the score against the source",
            )
    return issues


def _known_scope_issues(raw_dir: Path) -> list[DataIssue]:
    """Every ``province:<id>`` scope of reported_figures.csv names a unit."""
    path = raw_dir / config.REPORTED_FIGURES_CSV.name
    frame = read_raw_csv(path, ["figure_id", "scope"])
    issues = []
    for _, row in frame[frame["scope"].str.startswith("province:")].iterrows():
        if row["scope"].removeprefix("province:") not in units():
            issues.append(
                DataIssue(
                    path,
                    int(row[LINE_COLUMN]),
                    "scope",
                    row["scope"],
                    "names no provincial-level unit",
                    "write province:<id> with an id of data/processed/provinces.csv, "
                    "e.g. province:ha-noi (2008-2025) or province:ha-noi-2025",
                )
            )
    return issues


def provinces_schema() -> pa.DataFrameSchema:
    """Contract of ``data/processed/provinces.csv``."""
    ids = list(units())
    return pa.DataFrameSchema(
        {
            "province_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9]+(-[a-z0-9]+)*$"), unique=True),
            "name_vi": pa.Column(str),
            "name_ascii": pa.Column(str, pa.Check.str_matches(r"^[\x20-\x7e]+$")),
            "code": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
            "era": pa.Column(str, pa.Check.isin([str(era) for era in Era])),
            "merged_into": pa.Column(str, pa.Check.isin([*ids, ""])),
            "lat": pa.Column(float, pa.Check.in_range(8, 24)),  # Viet Nam lies within 8-24 N, 102-110 E
            "lon": pa.Column(float, pa.Check.in_range(102, 110)),
        },
        strict=True,
        ordered=True,
        name="provinces",
    )


def provincial_indices_schema() -> pa.DataFrameSchema:
    """Contract of ``data/processed/provincial_indices.csv``."""
    return pa.DataFrameSchema(
        {
            "index": pa.Column(str, pa.Check.isin(list(PROVINCIAL_INDICES))),
            "year": pa.Column(int),
            "province_id": pa.Column(str, pa.Check.isin(list(units()))),
            "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
            "n_ranked": pa.Column("Int64", pa.Check.in_range(1, 63), nullable=True),
            "score": pa.Column(float, nullable=True),
            "source_id": pa.Column(str),
        },
        strict=True,
        ordered=True,
        unique=["index", "year", "province_id"],
        name="provincial_indices",
    )


def _source_ids(raw_dir: Path) -> set[str]:
    return set(read_raw_csv(raw_dir / config.SOURCES_CSV.name, ["source_id"])["source_id"])


def build_provinces(raw_dir: Path, observations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build ``provinces.csv`` and ``provincial_indices.csv`` from ``raw_dir``; raise on any problem.

    ``observations`` are the build's parsed figures (the scores of ``provincial_figures.csv`` rows come
    from them). Every raw row ends in one processed row or in a :class:`DataIssue`; all problems of all
    files are raised together as one :class:`DataValidationError`.
    """
    source_ids = _source_ids(raw_dir)
    issues: list[DataIssue] = []
    crosswalk, merger_issues = read_merger(raw_dir / MERGER_CSV, source_ids)
    issues += merger_issues
    rows: list[dict[str, Any]] = []
    for name in INDEX_FILES:
        file_rows, file_issues = read_index_file(raw_dir / name, source_ids)
        rows += file_rows
        issues += file_issues
    figure_rows, figure_issues = read_figures_file(raw_dir / FIGURES_CSV, observations)
    rows += figure_rows
    issues += figure_issues
    issues += _known_scope_issues(raw_dir)
    frame = pd.DataFrame(rows, columns=[*PROVINCIAL_INDICES_COLUMNS, "raw_line", "rank_kind", "raw_file"])
    frame = frame.astype({"rank": "Int64", "n_ranked": "Int64", "score": "float64"})
    frame["era"] = frame["province_id"].map(lambda pid: str(era_of_id(pid)))
    issues += _ranking_issues(frame)
    if issues:
        raise DataValidationError(issues)
    provinces = provinces_schema().validate(provinces_table(crosswalk))
    indices = frame.assign(
        rank=frame["rank"].astype("Int64"),
        n_ranked=frame["n_ranked"].astype("Int64"),
        score=frame["score"].astype("float64"),
        _era_order=frame["era"].map({str(Era.BEFORE_2025): 0, str(Era.FROM_2025): 1}),
    ).sort_values(
        ["index", "year", "_era_order", "rank", "province_id"], na_position="last", kind="mergesort"
    )
    indices = provincial_indices_schema().validate(indices[PROVINCIAL_INDICES_COLUMNS].reset_index(drop=True))
    return provinces, indices
