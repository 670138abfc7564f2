"""The ``.meta.yml`` beside every raw CSV: where its data come from, and the checksum rule.

Every ``data/raw/<name>.csv`` has a ``data/raw/<name>.meta.yml`` saying where its data come from
(:data:`ORIGIN_KEYS`). A missing one is always an error: data without an origin cannot be cited.

**Checksums.** Two kinds of raw table exist, and the sidecar says which one a file is:

* a *transcription* of an outside dataset (the UN panel, the survey table, the M49 regions) carries
  ``md5``: the checksum of the CSV's bytes. Nobody edits such a file by hand; when it is regenerated the
  checksum is updated in the same commit. A checksum that no longer matches is an error: the file changed
  without its origin being checked again;
* a table compiled *by hand* in this repository (sources, indicators, reported figures) carries
  ``edited_by_hand: true`` and no ``md5``: it changes with every figure added, its review is the commit that
  changes it, and git history is its checksum. A checksum there would be updated mechanically with every
  edit and so would prove nothing.

A sidecar must declare exactly one of the two (an ``md5`` and ``edited_by_hand: true`` together, or neither,
is an error).

The YAML is read with ``yaml.safe_load`` after two guards: a size limit (:data:`MAX_META_BYTES`) and no
aliases (an alias "bomb" of a few hundred bytes expands to gigabytes; no sidecar needs aliases).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from egovanalysis.errors import DataIssue

#: Keys every sidecar must have, each non-empty except ``url`` (empty for tables compiled here).
ORIGIN_KEYS: tuple[str, ...] = ("file", "producer", "title", "url", "date_accessed", "licence")
#: A sidecar is a page of text; anything larger is not one.
MAX_META_BYTES = 256 * 1024
META_SUFFIX = ".meta.yml"

_MD5 = re.compile(r"^[0-9a-f]{32}$")


def meta_path(csv_path: Path) -> Path:
    """``data/raw/x.csv`` -> ``data/raw/x.meta.yml``."""
    return csv_path.with_name(csv_path.stem + META_SUFFIX)


def md5_of(path: Path) -> str:
    """Hex md5 of a file's bytes."""
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def _issue(path: Path, line: int | None, key: str | None, value: Any, problem: str, fix: str) -> DataIssue:
    return DataIssue(path, line, key, None if value is None else str(value), problem, fix)


def _parse_safely(path: Path, text: str) -> tuple[Any, dict[str, int], list[DataIssue]]:
    """The YAML document, the line of each top-level key, and the problems (aliases, syntax)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                return None, {}, [_issue(path, line, None, event.anchor, "uses a YAML alias",
                                         "write the value out in full; sidecars use no anchors or aliases")]
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or "is not valid YAML"
        return None, {}, [_issue(path, line, None, None, f"unreadable YAML ({problem})",
                                 "fix the YAML syntax (indentation, quotes, colons)")]
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            lines[str(key.value)] = key.start_mark.line + 1
    return document, lines, []


def check_meta(csv_path: Path) -> tuple[dict[str, Any] | None, list[DataIssue]]:
    """Read the sidecar of ``csv_path`` and check it (origin keys, file name, checksum rule).

    Returns the sidecar as a dict (``None`` when it cannot be read) and every problem found.
    """
    path = meta_path(csv_path)
    name = csv_path.name
    if not path.is_file():
        what = "is a folder, not a file" if path.exists() else "is missing"
        return None, [
            _issue(path, None, None, None, f"the origin of {name} {what}",
                   f"restore {path.name} from git (git checkout -- {path.name}); every raw file needs one "
                   f"saying where its data come from ({', '.join(ORIGIN_KEYS)})")
        ]
    data = path.read_bytes()
    if len(data) > MAX_META_BYTES:
        return None, [_issue(path, None, None, f"{len(data)} bytes", f"larger than {MAX_META_BYTES} bytes",
                             "a sidecar holds a page of metadata; restore it from git")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [_issue(path, None, None, None, "is not UTF-8", "re-save it as UTF-8")]
    meta, lines, issues = _parse_safely(path, text)
    if issues:
        return None, issues
    if not isinstance(meta, dict):
        return None, [_issue(path, 1, None, None, "is not a mapping of keys to values",
                             f"write one key per line: {', '.join(ORIGIN_KEYS)}, ...")]
    issues += _origin_issues(path, meta, lines, name)
    issues += _checksum_issues(path, meta, lines, csv_path)
    return meta, issues


def _origin_issues(path: Path, meta: dict[str, Any], lines: dict[str, int], name: str) -> list[DataIssue]:
    issues: list[DataIssue] = []
    for key in ORIGIN_KEYS:
        if key not in meta:
            issues.append(_issue(path, None, key, None, "required key is missing",
                                 f"add '{key}:' (the sidecar's origin keys: {', '.join(ORIGIN_KEYS)})"))
        elif key != "url" and not str(meta[key] or "").strip():
            issues.append(_issue(path, lines.get(key), key, meta[key], "must not be empty",
                                 f"fill in '{key}'"))
    if "file" in meta and meta["file"] != name:
        issues.append(_issue(path, lines.get("file"), "file", meta["file"], f"names another file than {name}",
                             f'write file: "{name}"'))
    accessed = meta.get("date_accessed")
    if accessed is not None and not isinstance(accessed, date):
        try:
            date.fromisoformat(str(accessed))
        except ValueError:
            issues.append(_issue(path, lines.get("date_accessed"), "date_accessed", accessed,
                                 "is not a date", "write the date the data were copied, YYYY-MM-DD"))
    return issues


def _checksum_issues(
    path: Path, meta: dict[str, Any], lines: dict[str, int], csv_path: Path
) -> list[DataIssue]:
    by_hand = meta.get("edited_by_hand") is True
    declared = meta.get("md5")
    if by_hand and declared is not None:
        return [_issue(path, lines.get("md5"), "md5", declared,
                       "a table edited by hand carries no md5 (git history tracks it)",
                       "remove the md5 line, or remove edited_by_hand if the file is a transcription")]
    if by_hand:
        return []
    if declared is None:
        return [_issue(path, None, "md5", None,
                       "declares neither an md5 (a transcription) nor edited_by_hand: true "
                       "(a table edited here)",
                       f'add md5: "{md5_of(csv_path)}" if {csv_path.name} is transcribed, '
                       "or edited_by_hand: true if it is compiled by hand")]
    actual = md5_of(csv_path) if csv_path.is_file() else None
    if not _MD5.match(str(declared)):
        return [_issue(path, lines.get("md5"), "md5", declared, "is not an md5 (32 hexadecimal digits)",
                       f'write md5: "{actual}" once the data are checked against their origin')]
    if actual is not None and declared != actual:
        return [_issue(path, lines.get("md5"), "md5", declared,
                       f"no longer matches {csv_path.name} (its md5 is now {actual})",
                       f"if the change is intended, check the data against the origin named in {path.name} "
                       f'and set md5: "{actual}"; otherwise restore {csv_path.name} from git')]
    return []
