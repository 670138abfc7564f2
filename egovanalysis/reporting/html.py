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

from egovanalysis.reporting.formatting import format_number
from egovanalysis.reporting.headlines import notebook_outputs

__all__ = [
    "IndexEntry",
    "extract_pngs",
    "notebook_to_html",
    "write_index",
]


def extract_pngs(notebook: nbformat.NotebookNode, figures_dir: Path, prefix: str) -> list[Path]:
    """Write every PNG output of ``notebook`` to ``figures_dir/<prefix>-<n>.png`` (n from 1), in order."""
    written: list[Path] = []
    for output in notebook_outputs(notebook):
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        data = output.get("data", {})
        png = data.get("image/png")
        if not png:
            continue
        if isinstance(png, list):
            png = "".join(png)
        figures_dir.mkdir(parents=True, exist_ok=True)
        path = figures_dir / f"{prefix}-{len(written) + 1}.png"
        path.write_bytes(base64.b64decode(png))
        written.append(path)
    return written


def notebook_to_html(notebook: nbformat.NotebookNode, path: Path, title: str) -> Path:
    """Write an HTML copy of ``notebook`` without code or prompts (outputs and markdown only)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    # The template loads require.js and MathJax from a CDN. The notebooks use neither widgets nor
    # maths, and reports must open offline without errors, so those remote scripts are dropped.
    body = _REMOTE_SCRIPT.sub("", body)
    path.write_text(body, encoding="utf-8")
    return path


_REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE)


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


def write_index(run_dir: Path, entries: Sequence[IndexEntry], title: str, summary: str = "") -> Path:
    """Write ``run_dir/index.html`` listing every run: status, parameters, headline numbers, thumbnails.

    Self-contained (inline CSS, no scripts, no external resources); all links are relative.
    """
    failed = sum(1 for entry in entries if not entry.ok)
    summary = summary or (
        f"{len(entries)} notebook run{'s' if len(entries) != 1 else ''}, "
        + ("all succeeded." if not failed else f"{failed} failed.")
    )
    sections = "\n".join(_section(entry) for entry in entries)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p class=\"summary\">{html.escape(summary)}</p>\n"
        f"<main>\n{sections}\n</main>\n</body>\n</html>\n"
    )
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
