"""Whether an uploaded PDF is whole and can be opened by the officer who reads it.

A file that starts with ``%PDF-`` may still be cut short (an upload or a download that
stopped half-way) or locked with a password: the officer would find out days later and
have to ask the applicant again. Both are told to the applicant at once.

- **Cut short:** a PDF ends with ``%%EOF``, which readers look for in its last 1,024
  bytes (ISO 32000-1, Annex H, note 18: Acrobat's rule). Without it the file is refused
  as damaged.
- **Locked:** a PDF encrypted with a user password (one that must be typed to open it)
  is refused. One with only an owner password (restrictions on printing or copying)
  opens without one, and is accepted.

The file is parsed with pyHanko's reader (the one that checks issued documents) for the
second check only. Viewers open files that it refuses (wrong cross-reference offsets,
say, which they repair), so a complete file it cannot parse is accepted, not refused.
"""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)

#: How near the end ``%%EOF`` must be.
TAIL_BYTES = 1024


class DamagedPdf(ValueError):
    """The bytes start as a PDF but do not end as one: cut short."""


class LockedPdf(ValueError):
    """The PDF opens only with a password."""


def check_whole(data: bytes) -> None:
    """Raise :class:`DamagedPdf` or :class:`LockedPdf`; return for a PDF an officer can
    open."""
    if b"%%EOF" not in data[-TAIL_BYTES:]:
        raise DamagedPdf("no %%EOF in the last 1,024 bytes")
    from pyhanko.pdf_utils.crypt import AuthStatus
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # viewers repair more than this reader reads
        logger.info("a PDF upload pyHanko cannot parse was accepted: %s", exc)
        return
    if not reader.encrypted:
        return
    try:
        opened = reader.decrypt("").status != AuthStatus.FAILED
    except Exception as exc:  # an encryption it does not know: neither will a viewer
        raise LockedPdf(str(exc)) from exc
    if not opened:
        raise LockedPdf("a user password is set")
