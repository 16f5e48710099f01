"""Whether an uploaded PDF is whole.

A file that starts with ``%PDF-`` may still be cut short (an upload or a download that
stopped half-way): the officer would find out days later and have to ask the applicant
again. It is told to the applicant at once.

A PDF ends with ``%%EOF``, which readers look for in its last 1,024 bytes (ISO 32000-1,
Annex H, note 18: Acrobat's rule). Without it the file is refused as damaged.

The file is not parsed here. A parser run on an upload (pyHanko's was tried) can be made
to allocate gigabytes by a PDF of a few hundred bytes that declares billions of objects,
and fails on encryption dictionaries it cannot read; a check that every citizen's upload
goes through must not. So a PDF locked with a password is not detected: the officer who
cannot open one asks the applicant for another copy (a request for information).
"""

from __future__ import annotations

#: How near the end ``%%EOF`` must be.
TAIL_BYTES = 1024


class DamagedPdf(ValueError):
    """The bytes start as a PDF but do not end as one: cut short."""


def check_whole(data: bytes) -> None:
    """Raise :class:`DamagedPdf` unless ``data`` ends as a PDF does."""
    if b"%%EOF" not in data[-TAIL_BYTES:]:
        raise DamagedPdf("no %%EOF in the last 1,024 bytes")
