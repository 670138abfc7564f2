"""Headline numbers: a notebook publishes one with :func:`headline`, the refresh collects them.

**Convention.** ::

    from egovanalysis.reporting.headlines import headline
    headline("Online public services", 4_432, unit="services", source="VGP 2021-03-05")

This displays one short line (markdown and plain text, so nbval compares it) whose output metadata is
``{"egovanalysis": {"headline": {"label", "value", "unit", "source", "note", "text"[, "key"]}}}``.
:func:`read_headlines` reads them back from an executed notebook for ``index.html``.

Labels, sources and notes are data (an indicator's label, a country's name): the Markdown line escapes
them with :func:`~egovanalysis.reporting.escaping.escape_markdown`, so they show as text and never as
markup or script. ``key`` is a stable column name for the index's table of a sweep (labels often carry the
country's name, so they differ between the runs of one sweep).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from egovanalysis.reporting.escaping import escape_markdown
from egovanalysis.reporting.formatting import format_number

__all__ = ["HEADLINE_KEY", "headline", "notebook_outputs", "read_headlines"]

#: Top-level key of the output metadata written by :func:`headline`.
HEADLINE_KEY = "egovanalysis"


def _plain(value: Any) -> float | int | str:
    """A JSON-friendly number (numpy scalars become Python numbers)."""
    if isinstance(value, bool | int | float | str):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        converted = item()
        if isinstance(converted, bool | int | float | str):
            return converted
    return str(value)


def headline(
    label: str,
    value: float | int | str,
    unit: str = "",
    source: str = "",
    note: str = "",
    key: str | None = None,
) -> None:
    """Publish a headline number: shown in the notebook, collected into the report's ``index.html``.

    ``value`` is a number (numpy scalars are fine) or short text; ``unit`` as in observations (``%``,
    ``VND``, ``count``...); ``source`` names where it comes from (e.g. ``"VNS 2020-08-27"``); ``key``
    names the number the same way in every run (``"egdi_rank"``), for the index's table of a sweep.
    """
    from IPython.display import display

    plain_value = _plain(value)
    text = format_number(plain_value, unit)
    record = {
        "label": label,
        "value": plain_value,
        "unit": unit,
        "source": source,
        "note": note,
        "text": text,
    }
    if key is not None:
        record["key"] = key
    plain = f"{label}: {text}" + (f" ({source})" if source else "") + (f" - {note}" if note else "")
    markdown = (
        f"**{escape_markdown(label)}**: {escape_markdown(text)}"
        + (f" *({escape_markdown(source)})*" if source else "")
        + (f" - {escape_markdown(note)}" if note else "")
    )
    display(
        {"text/plain": plain, "text/markdown": markdown},
        raw=True,
        metadata={HEADLINE_KEY: {"headline": record}},
    )


def notebook_outputs(notebook: Mapping[str, Any]) -> list[Any]:
    """Every output of every code cell of a notebook (an ``nbformat.NotebookNode`` or its dict), in order.

    (nbformat is not imported here: every notebook imports this module, and nbformat's import pulls in
    jsonschema and its format checkers, seconds per kernel.)
    """
    code = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    return [output for cell in code for output in cell.get("outputs", [])]


def read_headlines(notebook: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headline records published by :func:`headline` in an executed notebook, in order."""
    found: list[dict[str, Any]] = []
    for output in notebook_outputs(notebook):
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        record = output.get("metadata", {}).get(HEADLINE_KEY, {}).get("headline")
        if isinstance(record, Mapping) and "label" in record:
            found.append(dict(record))
    return found
