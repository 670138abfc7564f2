"""The HTML report of a refresh, checked as HTML and in headless Chromium.

Chromium is required (Debian: ``apt-get install -y --no-install-recommends chromium``); the test fails,
it does not skip, when it is missing. The report folder is served on a localhost port; a harness page
(written in the test's temporary folder, not in the product) loads ``index.html`` in a same-origin iframe.
Everything waits for events, never for time: the iframe's ``load`` event fires once its images have
loaded; its handler checks the images, every link (synchronous HEAD requests) and resource, and, on a
sweep's index, clicks a column header and types into the filter, all synchronously, and writes the
findings into the harness's DOM before the harness's own ``load`` event, after which ``--dump-dom``
prints the DOM. No virtual-time budget: a loaded machine only makes it slower.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import struct
import subprocess
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from egovanalysis.reporting.refresh import refresh

GOOD = Path(__file__).parent / "notebooks" / "good"
INSTALL_HINT = (
    "headless Chromium is needed for the HTML report tests and was not found (looked for chromium, "
    "chromium-browser). Install it: apt-get install -y --no-install-recommends chromium"
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``reports/`` (one good refresh of the tiny fixture notebook)."""
    root = tmp_path_factory.mktemp("site")
    result = refresh(GOOD, root / "reports", jobs=2, build=False, progress=False, log=lambda _: None)
    assert result.ok, [outcome.error for outcome in result.outcomes]
    return root


@pytest.fixture(scope="module")
def sweep_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``reports/``: a sweep of the tiny fixture over three titles."""
    root = tmp_path_factory.mktemp("sweep-site")
    result = refresh(GOOD, root / "reports", each="scale=3,1,2", jobs=2, build=False, progress=False,
                     log=lambda _: None)  # fmt: skip
    assert result.ok, [outcome.error for outcome in result.outcomes]
    return root


@pytest.fixture(scope="module")
def index(site: Path) -> Path:
    return site / "reports" / "latest" / "index.html"


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(INSTALL_HINT)


def _serve(folder: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    yield from _serve(site)


@pytest.fixture(scope="module")
def sweep_server(sweep_site: Path) -> Iterator[str]:
    yield from _serve(sweep_site)


def _run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


HARNESS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title></head>
<body>
<iframe id="report" src="reports/latest/index.html" width="1400" height="1000"></iframe>
<pre id="result">pending</pre>
<script>
const frame = document.getElementById("report");
frame.addEventListener("load", () => {
  // Runs before the harness's own load event, so --dump-dom prints its result.
  const doc = frame.contentDocument;
  const head = (href) => {
    const request = new XMLHttpRequest();
    request.open("HEAD", new URL(href, doc.baseURI), false);
    try { request.send(); return request.status; } catch (error) { return String(error); }
  };
  const images = Array.from(doc.images);
  const links = Array.from(doc.querySelectorAll("a[href]")).map((a) => [a.getAttribute("href"),
                                                                         head(a.getAttribute("href"))]);
  const resources = frame.contentWindow.performance.getEntriesByType("resource")
    .map((entry) => [entry.name, entry.responseStatus]);
  let sweep = null;
  const table = doc.querySelector("table.runs");
  if (table) {
    const column = (index) => Array.from(table.tBodies[0].rows).filter((row) => !row.hidden)
      .map((row) => row.cells[index].textContent.trim());
    const headers = Array.from(table.tHead.rows[0].cells);
    const numberColumn = headers.findIndex((cell) => cell.textContent === "Services online");
    headers[numberColumn].click();
    const ascending = column(0);
    headers[numberColumn].click();
    const descending = column(0);
    const filter = doc.getElementById(table.dataset.filter);
    filter.value = "2.0";
    filter.dispatchEvent(new Event("input"));
    sweep = {ascending: ascending, descending: descending, filtered: column(0),
             sort: headers[numberColumn].getAttribute("aria-sort")};
  }
  document.getElementById("result").textContent = JSON.stringify({
    title: doc.title,
    origin: frame.contentWindow.location.origin,
    images: images.map((img) => ({src: img.getAttribute("src"), width: img.naturalWidth,
                                  height: img.naturalHeight, alt: img.alt})),
    links: links,
    resources: resources,
    sweep: sweep,
  });
});
</script>
</body></html>
"""


def _harness(site: Path, server: str, chromium: str, profile: Path) -> dict:
    """Open the harness on ``site``'s latest index; return what it found."""
    (site / "harness.html").write_text(HARNESS, encoding="utf-8")
    done = _run_chromium(chromium, profile, "--dump-dom", f"{server}/harness.html")
    match = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
    assert match, f"no harness result (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert match.group(1) != "pending", "the report did not finish loading"
    return json.loads(html.unescape(match.group(1)))


def test_report_renders_in_chromium(site: Path, server: str, chromium: str, tmp_path: Path) -> None:
    found = _harness(site, server, chromium, tmp_path / "profile")
    run = (site / "reports" / "latest").resolve().name
    assert found["title"] == f"egovanalysis report {run}"
    assert found["images"], "the report shows no chart thumbnails"
    for image in found["images"]:
        assert image["width"] > 0 and image["height"] > 0, f"image does not render: {image}"
        assert image["alt"]
    for href, status in found["links"]:
        assert status == 200, f"broken link {href}: {status}"
    assert {href for href, _ in found["links"]} >= {"tiny.html", "tiny.ipynb", "figures/tiny-1.png"}
    for url, status in found["resources"]:
        assert url.startswith(found["origin"] + "/"), f"external resource {url}"
        assert status in (0, 200), f"resource {url} answered {status}"


def test_sweep_index_sorts_and_filters_in_chromium(
    sweep_site: Path, sweep_server: str, chromium: str, tmp_path: Path
) -> None:
    found = _harness(sweep_site, sweep_server, chromium, tmp_path / "profile")
    sweep = found["sweep"]
    assert sweep is not None, "the sweep's index has no runs table"
    # 'Services online' is 100 x scale x years: sorted numerically by the page's own script.
    assert sweep["ascending"] == ["1.0", "2.0", "3.0"]
    assert sweep["descending"] == ["3.0", "2.0", "1.0"]
    assert sweep["sort"] == "descending"
    assert sweep["filtered"] == ["2.0"]
    for href, status in found["links"]:
        assert status == 200, f"broken link {href}: {status}"
    assert {href for href, _ in found["links"]} >= {"tiny--scale%3D1.0.html", "tiny--scale%3D3.0.ipynb"}


def test_report_screenshot(index: Path, chromium: str, tmp_path: Path) -> None:
    shot = tmp_path / "index.png"
    done = _run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", index.as_uri())
    assert shot.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 1000)
    assert len(data) > 10_000  # not a blank page


class _Checker(HTMLParser):
    """Collects what the structural checks need: tag balance, ids, attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(str(attributes["id"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"end tag for void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
        else:
            self.stack.pop()


def test_index_is_valid_self_contained_html(index: Path) -> None:
    text = index.read_text(encoding="utf-8")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert checker.doctype and checker.doctype.lower() == "doctype html"
    assert not checker.problems, checker.problems
    assert not checker.stack, f"unclosed: {checker.stack}"
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    names = [tag for tag, _ in checker.tags]
    assert names.count("html") == names.count("head") == names.count("body") == names.count("title") == 1
    html_tag = next(attrs for tag, attrs in checker.tags if tag == "html")
    assert html_tag.get("lang")
    assert "script" not in names and "link" not in names  # inline CSS only, no scripts
    for tag, attrs in checker.tags:
        for attribute in ("src", "href"):
            value = attrs.get(attribute)
            if value is None:
                continue
            assert not re.match(r"^(?:[a-z]+:|//)", value), f"<{tag} {attribute}={value!r}> is not relative"
            assert (index.parent / value).exists(), f"<{tag} {attribute}={value!r}> points nowhere"
        if tag == "img":
            assert attrs.get("alt")


def test_data_in_markdown_is_escaped_and_pages_run_no_script(tmp_path: Path) -> None:
    import nbformat

    from egovanalysis.reporting.escaping import escape_markdown
    from egovanalysis.reporting.html import notebook_to_html

    payload = "<script>document.title='x'</script> <img src=x onerror=alert(1)> [a](javascript:alert(1)) *b*"
    assert "<" not in escape_markdown(payload) and "\\[a\\]" in escape_markdown(payload)
    assert escape_markdown("Viet Nam's rank: 71 (of 193), 63.5 %") == "Viet Nam's rank: 71 (of 193), 63.5 %"
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": payload, "text/plain": "p"}),
        nbformat.v4.new_output(
            "display_data", data={"text/html": f"<table><tr><td>{payload}</td></tr></table>"}
        ),
    ]
    notebook.cells = [cell]
    page = notebook_to_html(notebook, tmp_path / "page.html", title="t")
    assert "<script>document" not in page and "onerror" not in page and "href=\"javascript" not in page
    assert "<table>" in page and "Content-Security-Policy" in page and "default-src 'none'" in page
