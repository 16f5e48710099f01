"""A virus-scanner hook: clamd's ``INSTREAM`` command, off unless ``GOODGOV_CLAMD_SOCKET`` is
set (a Unix socket path, or ``tcp:host:port``). Configured but unreachable, it refuses the
upload: a scanner that silently stops scanning would be worse than none."""

from __future__ import annotations

import os
import socket
import struct
from typing import Any

from django.conf import settings

CHUNK = 64 * 1024
TIMEOUT = 30.0


class ScannerUnavailable(Exception):
    pass


def clamd_address() -> str | None:
    return getattr(settings, "GOODGOV_CLAMD_SOCKET", None) or os.environ.get("GOODGOV_CLAMD_SOCKET")


def _connect(address: str) -> socket.socket:
    if address.startswith("tcp:"):
        host, _, port = address[4:].rpartition(":")
        return socket.create_connection((host, int(port)), timeout=TIMEOUT)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    sock.connect(address)
    return sock


def scan(upload: Any) -> str | None:
    """The name of what clamd found in ``upload``, None if clean or if scanning is off.

    Raises :class:`ScannerUnavailable` when clamd is configured but does not answer.
    """
    address = clamd_address()
    if not address:
        return None
    try:
        with _connect(address) as sock:
            sock.sendall(b"zINSTREAM\0")
            upload.seek(0)
            for chunk in upload.chunks(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    finally:
        upload.seek(0)
    text = reply.rstrip(b"\0").decode("utf-8", "replace")
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip()
    if text.endswith("OK"):
        return None
    raise ScannerUnavailable(text or "no answer")
