"""UN M49 region and sub-region of every UN member state, taken from ``country_converter`` (coco).

The table is transcribed once into ``data/raw/un_m49_regions.csv`` (with the library's version in its
``.meta.yml``) rather than computed at every build, for three reasons:

* the processed data must not change when the library changes: a coco release that renames or moves a
  country would otherwise change ``egdi.csv`` and every notebook without a line changing in ``data/raw``;
* coco 1.3.2 cannot load its own table under pandas 3 (the ISO2 code ``NA`` of Namibia is read as a missing
  value and its constructor fails), so it is given the table read here as text (:func:`coco_table`);
* its table has one known error against the UN standard (:data:`M49_CORRECTIONS`).

``tests/test_egdi.py`` regenerates the table with the pinned coco (:func:`regions_from_coco`) and checks that
it equals the committed file, so the transcription cannot drift from the library it names.

Names: ``region`` is the M49 region (coco's ``continent`` column, whose ``America`` is the UN's
``Americas``); ``subregion`` is coco's ``UNregion`` column: the M49 sub-region, or the M49 *intermediate*
region where the UN has one (``South America``, ``Caribbean``, ``Eastern Africa``, ...), which is the finer
grouping a country is compared with.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Columns of ``data/raw/un_m49_regions.csv``, in order.
REGIONS_COLUMNS: tuple[str, ...] = ("iso3", "m49", "name", "region", "subregion")

#: coco's ``continent`` names that differ from the UN M49 region names.
CONTINENT_TO_M49_REGION: dict[str, str] = {"America": "Americas"}

#: Where coco's ``UNregion`` differs from the UN M49 standard (https://unstats.un.org/unsd/methodology/m49/):
#: ISO3 -> the M49 sub-region. Nauru (M49 code 520) is listed by the UN under Micronesia (057); coco 1.3.2
#: puts it in Polynesia. A test fails when coco agrees with an entry here, so the table stays minimal.
M49_CORRECTIONS: dict[str, str] = {"NRU": "Micronesia"}


def coco_table() -> pd.DataFrame:
    """coco's country table, read as text so that Namibia's ISO2 code ``NA`` stays a code.

    Imported here, not at module level: only the regeneration and its test need the library.
    """
    import country_converter

    path = Path(country_converter.__file__).parent / "country_data.tsv"
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def coco_version() -> str:
    """Version of the installed ``country_converter`` (recorded in the table's ``.meta.yml``)."""
    import country_converter

    return str(country_converter.__version__)


def regions_from_coco(corrections: dict[str, str] | None = None) -> pd.DataFrame:
    """The M49 region and sub-region of every UN member state, as text, sorted by ISO3.

    Uses ``country_converter.CountryConverter`` on its own table (see :func:`coco_table`): the member states
    are those coco marks ``UNmember``; ``region`` is ``continent`` with :data:`CONTINENT_TO_M49_REGION`
    applied, ``subregion`` is ``UNregion`` with ``corrections`` (default :data:`M49_CORRECTIONS`) applied.
    """
    import country_converter

    corrections = M49_CORRECTIONS if corrections is None else corrections
    converter = country_converter.CountryConverter(country_data=coco_table(), only_UNmember=True)
    members = converter.data.sort_values("ISO3")
    codes = members["ISO3"].tolist()
    table = pd.DataFrame(
        {
            "iso3": codes,
            "m49": [str(int(code)).zfill(3) for code in converter.convert(codes, src="ISO3", to="UNcode")],
            "name": converter.convert(codes, src="ISO3", to="name_short"),
            "region": [
                CONTINENT_TO_M49_REGION.get(name, name)
                for name in converter.convert(codes, src="ISO3", to="continent")
            ],
            "subregion": converter.convert(codes, src="ISO3", to="UNregion"),
        },
        columns=list(REGIONS_COLUMNS),
    )
    pairs = zip(codes, table["subregion"], strict=True)
    table["subregion"] = [corrections.get(code, name) for code, name in pairs]
    return table.reset_index(drop=True)
