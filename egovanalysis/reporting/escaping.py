"""The one escaping rule for data-derived text on its way to Markdown and HTML.

Text that comes from data (an indicator label, a country name, a source id, a note) is never trusted as
markup. It reaches a reader by three roads, and each has one guard, here:

* **Markdown built from data** (headline lines, sentences a notebook displays with ``Markdown(...)``):
  :func:`escape_markdown` turns every character Markdown or HTML would read as syntax (``<``, ``&``, ``*``,
  ``[``, a backtick, ...) into an escape, so the text renders as itself.
* **HTML fragments in notebook outputs** (``text/markdown`` rendered to HTML, ``text/html`` such as
  pandas tables), when a report page is written: :func:`sanitize_html` passes them through the ammonia
  sanitizer (``nh3``, a well-kept Rust library): an allow-list of tags and attributes, ``<script>`` and
  ``<style>`` removed with their content, event-handler attributes and ``javascript:`` URLs dropped. It is
  the backstop for any Markdown a notebook or library builds without :func:`escape_markdown`.
* **Our own pages** (``index.html``): :func:`escape_html` (the standard library's) on every value, and a
  Content-Security-Policy (:data:`NOTEBOOK_PAGE_CSP`, :func:`index_page_csp`) that lets no script run in a
  notebook page and only the index's own sorting script (by its hash) in the index.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

__all__ = [
    "ALLOWED_TAGS",
    "NOTEBOOK_PAGE_CSP",
    "escape_html",
    "escape_markdown",
    "index_page_csp",
    "sanitize_html",
]

#: Characters that start Markdown syntax anywhere in a line (emphasis, code, links, tables, maths), and
#: ``<``/``&``, which start HTML tags and entities. ``(``, ``!`` and ``]`` only act after a ``[``, which is
#: escaped, so they stay as they are and ordinary prose keeps its bytes.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<&|~$])")
#: Syntax that only acts at the start of a line: headings, quotes, list markers, setext underlines.
_LINE_START = re.compile(r"^(\d*)(#|>|(?<=\d)[.)](?=\s|$)|(?<!\d)[-+](?=\s|$)|(?<!\d)=+$)")

#: Tags a notebook output may keep: text structure, lists, code, tables (pandas), images (inline charts).
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol",
        "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})

#: Policy of every notebook page: no script at all, images only from the page itself or inline.
NOTEBOOK_PAGE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that renders as exactly this text: no emphasis, link, HTML or code from data.

    Backslash escapes cover Markdown's punctuation; ``<`` and ``&`` become HTML entities (CommonMark
    renders entities as the character). Newlines become spaces: a data value is one line of prose.
    """
    flat = " ".join(str(text).split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat).replace("\\<", "&lt;").replace("\\&", "&amp;")
    return _LINE_START.sub(lambda match: f"{match.group(1)}\\{match.group(2)}", escaped)


def escape_html(text: object, quote: bool = True) -> str:
    """``text`` as HTML text or attribute value (``html.escape``)."""
    return html.escape(str(text), quote=quote)


def sanitize_html(fragment: str) -> str:
    """An HTML fragment with everything that could run or load code removed (ammonia allow-list).

    ``<script>``/``<style>`` go with their content, unknown tags keep their text, attributes outside the
    allow-list (``onerror``, ``style``) are dropped, and links keep only http(s), mailto and data URLs.
    """
    import nh3

    return nh3.clean(
        str(fragment),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def index_page_csp(script: str) -> str:
    """Policy of ``index.html``: only ``script`` (its inline sorting code, by hash) may run."""
    return (
        f"default-src 'none'; script-src {_script_hash(script)}; img-src 'self' data:; "
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    )
