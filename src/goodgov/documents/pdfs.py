"""PDF bytes read without a PDF parser: whether an uploaded PDF is whole, and where a
signature's ``/ByteRange`` says the signed bytes are.

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

The public "Check a document" page (``documents.verification``) needs no parser either:
every search here is one bounded pass over the bytes (a regular expression without
unbounded repetition, a capped number of matches, one SHA-256 pass), so its cost grows
with the file's size, which the upload limit caps, and never with what the file declares.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: How near the end ``%%EOF`` must be.
TAIL_BYTES = 1024

#: ``/ByteRange [0 a b c]`` as pyHanko writes it (and as a forger could): four whole
#: numbers, each at most 12 digits, with a little whitespace between. No repetition is
#: unbounded, so a match costs a few dozen bytes of look-ahead at most.
_BYTE_RANGE = re.compile(
    rb"/ByteRange[ \t\r\n\f\x00]{0,16}\[[ \t\r\n\f\x00]{0,16}"
    rb"([0-9]{1,12})[ \t\r\n\f\x00]{1,16}([0-9]{1,12})[ \t\r\n\f\x00]{1,16}"
    rb"([0-9]{1,12})[ \t\r\n\f\x00]{1,16}([0-9]{1,12})[ \t\r\n\f\x00]{0,16}\]"
)

#: At most this many ``/ByteRange`` matches are looked at, and at most this many kept.
#: Our documents have one signature; a file stuffed with thousands only costs its sender.
MAX_MATCHES = 64
MAX_SIGNATURES = 8

#: The signature's hex string (``/Contents <…>``, between the two signed ranges) is at
#: most this long: pyHanko reserves 16 KiB (``pdf.SIGNATURE_BYTES``), 32 KiB in hex.
MAX_CONTENTS = 256 * 1024


class DamagedPdf(ValueError):
    """The bytes start as a PDF but do not end as one: cut short."""


def check_whole(data: bytes) -> None:
    """Raise :class:`DamagedPdf` unless ``data`` ends as a PDF does."""
    if b"%%EOF" not in data[-TAIL_BYTES:]:
        raise DamagedPdf("no %%EOF in the last 1,024 bytes")


@dataclass(frozen=True)
class SignedRange:
    """A signature's ``/ByteRange [0 hole_start hole_end tail_length]``: the signature
    covers ``data[:hole_start]`` and ``data[hole_end:end]``; the hole between holds the
    signature itself (``<hex>``)."""

    hole_start: int
    hole_end: int
    tail_length: int

    @property
    def end(self) -> int:
        """The signed revision is ``data[:end]``: anything after was appended later."""
        return self.hole_end + self.tail_length


def signed_ranges(data: bytes) -> list[SignedRange]:
    """The plausible ``/ByteRange``s of ``data``, in file order: each starts at byte 0,
    ends inside the file, and leaves a hole that holds a hex string of bounded length.
    Found by a bounded scan: nothing the file declares is allocated or followed."""
    found: list[SignedRange] = []
    for number, match in enumerate(_BYTE_RANGE.finditer(data)):
        if number >= MAX_MATCHES or len(found) >= MAX_SIGNATURES:
            break
        start, hole_start, hole_end, tail = (int(group) for group in match.groups())
        candidate = SignedRange(hole_start, hole_end, tail)
        if (
            start == 0
            and 0 < hole_start < hole_end <= candidate.end <= len(data)
            and hole_end - hole_start <= MAX_CONTENTS
            and data[hole_start : hole_start + 1] == b"<"
            and data[hole_end - 1 : hole_end] == b">"
            and candidate not in found
        ):
            found.append(candidate)
    return found


def signature_digest(data: bytes, signed: SignedRange) -> str:
    """SHA-256 of the signature itself (the ``<hex>`` in the hole), as stored in the file.

    The signature (a CMS blob with its signing time and the digest of the signed bytes) is
    unique to one issued document, and a change to the signed bytes leaves it as it was.
    """
    return hashlib.sha256(data[signed.hole_start : signed.hole_end]).hexdigest()


def prefix_digests(data: bytes, ends: Iterable[int]) -> dict[int, str]:
    """SHA-256 of ``data[:end]`` for every ``end``, in one pass over ``data``."""
    digest = hashlib.sha256()
    view = memoryview(data)
    done = 0
    out: dict[int, str] = {}
    for end in sorted(set(ends)):
        if not 0 <= end <= len(data):
            continue
        digest.update(view[done:end])
        done = end
        out[end] = digest.copy().hexdigest()
    return out


def issued_signature_digest(data: bytes) -> str:
    """The :func:`signature_digest` of a document we signed (its last signature, which
    covers the whole file), or ``""`` if none is found."""
    whole = [signed for signed in signed_ranges(data) if signed.end == len(data)]
    return signature_digest(data, whole[-1]) if whole else ""
