"""The HTML side of a refresh's report: HTML copies of notebooks without code, their PNG charts, and
``index.html`` listing every run with its parameters, headline numbers and thumbnails."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat

from egovanalysis.reporting.escaping import NOTEBOOK_PAGE_CSP, index_page_csp, sanitize_html
from egovanalysis.reporting.formatting import format_number
from egovanalysis.reporting.headlines import notebook_outputs

__all__ = [
    "IndexEntry",
    "extract_pngs",
    "notebook_pngs",
    "notebook_to_html",
    "write_index",
    "write_pngs",
]


def notebook_pngs(notebook: nbformat.NotebookNode) -> list[bytes]:
    """The bytes of every PNG output of ``notebook``, in order."""
    found: list[bytes] = []
    for output in notebook_outputs(notebook):
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        png = output.get("data", {}).get("image/png")
        if png:
            found.append(base64.b64decode("".join(png) if isinstance(png, list) else png))
    return found


def write_pngs(pngs: Sequence[bytes], figures_dir: Path, prefix: str) -> list[Path]:
    """Write ``pngs`` to ``figures_dir/<prefix>-<n>.png`` (n from 1), in order; return the paths."""
    written: list[Path] = []
    for number, data in enumerate(pngs, start=1):
        figures_dir.mkdir(parents=True, exist_ok=True)
        path = figures_dir / f"{prefix}-{number}.png"
        path.write_bytes(data)
        written.append(path)
    return written


def extract_pngs(notebook: nbformat.NotebookNode, figures_dir: Path, prefix: str) -> list[Path]:
    """Write every PNG output of ``notebook`` to ``figures_dir/<prefix>-<n>.png`` (n from 1), in order."""
    return write_pngs(notebook_pngs(notebook), figures_dir, prefix)


def notebook_to_html(notebook: nbformat.NotebookNode, path: Path | None, title: str) -> str:
    """An HTML copy of ``notebook`` without code or prompts (outputs and markdown only); written to
    ``path`` when given. Returns the page.

    Every Markdown and HTML fragment (cells and outputs) passes :func:`~egovanalysis.reporting.escaping.
    sanitize_html` (nbconvert's ``sanitize_html`` switch, with our allow-list as its ``clean_html``
    filter), and the page carries a Content-Security-Policy that runs no script at all.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        filters={"clean_html": sanitize_html},
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    # The template loads require.js and MathJax from a CDN. The notebooks use neither widgets nor
    # maths, and reports must open offline without errors, so those remote scripts are dropped.
    body = _REMOTE_SCRIPT.sub("", body)
    body = _HEAD.sub(lambda match: f'{match.group(0)}\n<meta http-equiv="Content-Security-Policy" '
                     f'content="{NOTEBOOK_PAGE_CSP}">', body, count=1)  # fmt: skip
    if path is not None:
        path.write_text(body, encoding="utf-8")
    return body


_REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


@dataclass
class IndexEntry:
    """One notebook run, as listed in ``index.html``. Paths are relative to the run folder."""

    name: str
    notebook: str
    ok: bool
    parameters: dict[str, Any] = field(default_factory=dict)
    overridden: Sequence[str] = ()
    headlines: list[dict[str, Any]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    html: str | None = None
    ipynb: str | None = None
    error: str | None = None
    seconds: float | None = None
    #: ``(parameter, value)`` when the run is one of a sweep (``--each``); listed in the runs table.
    sweep: tuple[str, str] | None = None
    #: Columns describing the swept value (for a country: its name, region, latest rank, change).
    describe: dict[str, Any] = field(default_factory=dict)


_STYLE = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.summary { color: #555; }
section.run { border-top: 1px solid #ccc; padding: .8rem 0 1.2rem; }
section.run h2 { font-size: 1.25rem; margin: .2rem 0; }
.status { font-weight: bold; }
.ok .status { color: #1a7f37; }
.failed .status { color: #b42318; }
.error { background: #fff1f0; border-left: 4px solid #b42318; padding: .4rem .6rem; white-space: pre-wrap;
         font-family: "DejaVu Sans Mono", monospace; font-size: .9rem; }
table.params { border-collapse: collapse; font-size: .9rem; }
table.params th, table.params td { border: 1px solid #ddd; padding: .15rem .5rem; text-align: left; }
table.params td.set { font-weight: bold; }
ul.headlines { padding-left: 1.2rem; }
.headline-value { font-size: 1.1rem; font-weight: bold; }
.source { color: #666; font-size: .9rem; }
.thumbs { display: flex; flex-wrap: wrap; gap: .6rem; }
.thumbs img { width: 16rem; height: auto; border: 1px solid #ddd; }
table.runs { border-collapse: collapse; font-size: .9rem; margin: .6rem 0 1.5rem; }
table.runs th, table.runs td { border: 1px solid #ddd; padding: .2rem .5rem; text-align: left; }
table.runs th { background: #f3f3f3; cursor: pointer; user-select: none; }
table.runs th[aria-sort=ascending]::after { content: " \\25B2"; }
table.runs th[aria-sort=descending]::after { content: " \\25BC"; }
table.runs td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.runs tr.failed td { background: #fff1f0; }
input.filter { font-size: 1rem; padding: .2rem .4rem; width: 20rem; }
"""

#: The index's only script: sort a runs table by a clicked header (numbers as numbers), filter its rows by
#: the text typed. Plain JavaScript, inline, allowed by hash in the page's Content-Security-Policy.
SORT_FILTER_SCRIPT = """
for (const table of document.querySelectorAll("table.runs")) {
  const body = table.tBodies[0];
  const filter = document.getElementById(table.dataset.filter);
  filter.addEventListener("input", () => {
    const query = filter.value.trim().toLowerCase();
    for (const row of body.rows) row.hidden = query !== "" && !row.textContent.toLowerCase().includes(query);
  });
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((header, column) => header.addEventListener("click", () => {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach((other) => other.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent.trim();
    const rows = Array.from(body.rows).sort((a, b) => {
      const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      const order = !isNaN(nx) && !isNaN(ny) ? nx - ny : isNaN(nx) !== isNaN(ny) ? (isNaN(nx) ? 1 : -1)
        : x.localeCompare(y);
      return ascending ? order : -order;
    });
    body.append(...rows);
  }));
}
"""


def _href(path: str) -> str:
    return html.escape(quote(path), quote=True)


def _parameter_table(entry: IndexEntry) -> str:
    if not entry.parameters:
        return "<p>No parameters.</p>"
    rows = []
    for name, value in entry.parameters.items():
        shown = html.escape(repr(value))
        css = ' class="set"' if name in entry.overridden else ""
        note = "set for this run" if name in entry.overridden else "default"
        rows.append(f"<tr><th>{html.escape(name)}</th><td{css}>{shown}</td><td>{note}</td></tr>")
    return (
        '<table class="params"><thead><tr><th>parameter</th><th>value</th><th></th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _headline_list(entry: IndexEntry) -> str:
    if not entry.headlines:
        return ""
    items = []
    for record in entry.headlines:
        text = record.get("text") or format_number(record.get("value", ""), str(record.get("unit", "")))
        source = ""
        if record.get("source"):
            source = f' <span class="source">({html.escape(str(record["source"]))})</span>'
        note = f" - {html.escape(str(record['note']))}" if record.get("note") else ""
        items.append(
            f"<li>{html.escape(str(record.get('label', '')))}: "
            f'<span class="headline-value">{html.escape(str(text))}</span>{source}{note}</li>'
        )
    return f'<h3>Headline numbers</h3><ul class="headlines">{"".join(items)}</ul>'


def _thumbnails(entry: IndexEntry) -> str:
    if not entry.figures:
        return ""
    links = []
    for number, figure in enumerate(entry.figures, start=1):
        alt = html.escape(f"Chart {number} of {entry.name}", quote=True)
        links.append(f'<a href="{_href(figure)}"><img src="{_href(figure)}" alt="{alt}"></a>')
    return f'<h3>Charts</h3><div class="thumbs">{"".join(links)}</div>'


def _section(entry: IndexEntry) -> str:
    status = "ok" if entry.ok else "failed"
    took = f" in {entry.seconds:.1f} s" if entry.seconds is not None else ""
    links = []
    if entry.html:
        links.append(f'<a href="{_href(entry.html)}">report (HTML)</a>')
    if entry.ipynb:
        links.append(f'<a href="{_href(entry.ipynb)}">executed notebook</a>')
    error = f'<div class="error">{html.escape(entry.error)}</div>' if entry.error else ""
    return (
        f'<section class="run {status}" id="{html.escape(entry.name, quote=True)}">'
        f"<h2>{html.escape(entry.name)}</h2>"
        f'<p><span class="status">{status}</span>{took} &middot; notebook '
        f"<code>{html.escape(entry.notebook)}.ipynb</code>"
        + (f" &middot; {' &middot; '.join(links)}" if links else "")
        + f"</p>{error}<h3>Parameters</h3>{_parameter_table(entry)}"
        + f"{_headline_list(entry)}{_thumbnails(entry)}"
        "</section>"
    )


def _sort_key(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return repr(float(value))
    return None


def _cell(value: Any, unit: str = "") -> str:
    """One table cell: numbers right-aligned with a raw ``data-sort`` key, text escaped."""
    key = _sort_key(value)
    if key is None:
        return f"<td>{html.escape('' if value is None else str(value))}</td>"
    shown = format_number(value, unit) if unit else format_number(value)
    return f'<td class="number" data-sort="{html.escape(key, quote=True)}">{html.escape(shown)}</td>'


def _headline_columns(entries: Sequence[IndexEntry]) -> list[str]:
    """Headline columns of a runs table, by ``key`` (else label), in first-seen order."""
    columns: list[str] = []
    for entry in entries:
        for record in entry.headlines:
            column = str(record.get("key") or record.get("label", ""))
            if column not in columns:
                columns.append(column)
    return columns


def _runs_table(entries: Sequence[IndexEntry], number: int) -> str:
    """A sortable, filterable table of the runs of one sweep (one row per run)."""
    parameter = entries[0].sweep[0] if entries[0].sweep else "run"
    describe = list(dict.fromkeys(name for entry in entries for name in entry.describe))
    headlines = _headline_columns(entries)
    header = [parameter, *describe, "status", *headlines, "report"]
    rows = []
    for entry in entries:
        by_column = {str(r.get("key") or r.get("label", "")): r for r in entry.headlines}
        links = []
        if entry.html:
            links.append(f'<a href="{_href(entry.html)}">HTML</a>')
        if entry.ipynb:
            links.append(f'<a href="{_href(entry.ipynb)}">notebook</a>')
        status = "ok" if entry.ok else f"FAILED: {entry.error or ''}"
        cells = [_cell(entry.sweep[1] if entry.sweep else entry.name)]
        cells += [_cell(entry.describe.get(name)) for name in describe]
        cells.append(_cell(status))
        for column in headlines:
            record = by_column.get(column)
            cells.append(_cell(record.get("value"), str(record.get("unit", ""))) if record else "<td></td>")
        cells.append(f"<td>{' '.join(links)}</td>")
        css = "" if entry.ok else ' class="failed"'
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    notebook = html.escape(entries[0].notebook)
    head = "".join(f'<th scope="col">{html.escape(name)}</th>' for name in header)
    return (
        f'<h2 id="sweep-{number}">{notebook}: one run per {html.escape(parameter)} ({len(entries)} runs)</h2>'
        f'<p><label>Filter: <input class="filter" type="search" id="filter-{number}" '
        f'placeholder="type to filter the rows"></label> Click a column header to sort.</p>'
        f'<table class="runs" id="runs-{number}" data-filter="filter-{number}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def write_index(run_dir: Path, entries: Sequence[IndexEntry], title: str, summary: str = "") -> Path:
    """Write ``run_dir/index.html`` listing every run: status, parameters, headline numbers, thumbnails.

    The runs of a sweep are listed in one table per notebook, sortable and filterable by a few lines of
    inline JavaScript (no external resources); other runs get a section each. Self-contained (inline CSS,
    no external resources); all links are relative; every value is HTML-escaped, and the page's
    Content-Security-Policy lets only its own script run.
    """
    failed = sum(1 for entry in entries if not entry.ok)
    summary = summary or (
        f"{len(entries)} notebook run{'s' if len(entries) != 1 else ''}, "
        + ("all succeeded." if not failed else f"{failed} failed.")
    )
    sweeps: dict[str, list[IndexEntry]] = {}
    for entry in entries:
        if entry.sweep is not None:
            sweeps.setdefault(entry.notebook, []).append(entry)
    tables = "\n".join(_runs_table(group, number) for number, group in enumerate(sweeps.values(), start=1))
    sections = "\n".join(_section(entry) for entry in entries if entry.sweep is None)
    script = f"<script>{SORT_FILTER_SCRIPT}</script>\n" if sweeps else ""
    csp = index_page_csp(SORT_FILTER_SCRIPT)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p class=\"summary\">{html.escape(summary)}</p>\n"
        f"<main>\n{tables}\n{sections}\n</main>\n{script}</body>\n</html>\n"
    )
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
