"""Each benchmark's results live between its own markers in docs/benchmarks.md
(``<!-- bench:NAME:start -->`` … ``<!-- bench:NAME:end -->``); ``--write-docs`` replaces
what is between them and leaves the rest of the page (the method, the analysis) alone."""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write(name: str, text: str, docs: Path = DOCS) -> None:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    doc = docs.read_text()
    if start not in doc or end not in doc:
        sys.exit(f"bench: {docs} has no {start} ... {end} section")
    head, rest = doc.split(start, 1)
    _old, tail = rest.split(end, 1)
    docs.write_text(f"{head}{start}\n{text.strip()}\n{end}{tail}")
    print(f"bench: the {name} section of {docs.name} rewritten", file=sys.stderr)
