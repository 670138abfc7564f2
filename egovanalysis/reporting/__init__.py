"""Stage 4, reporting: chart style, generated texts, headline records, notebook parameters, the refresh
and its HTML report. May import every earlier stage."""

import sys as _sys

# jsonschema (imported by nbformat, which the refresh, papermill and nbval import) checks the "iri" string
# format with rfc3987-syntax when that optional package is installed (jupyterlab's dependencies bring it);
# its import compiles a grammar, 2-5 s of CPU per process. No notebook schema uses that format, so the
# optional checker is declared absent before anything here imports nbformat.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
