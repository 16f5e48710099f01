"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string for one JSON value.

A public event's ledger entry is the canonical JSON of its public payload, so anyone holding
the payload recomputes the same bytes, and the same leaf hash, in any language with a JCS
library. The rules (RFC 8785 section 3.2):

- no whitespace; object members sorted by their names as UTF-16 code units;
- strings as ECMAScript's ``JSON.stringify`` writes them: only ``"``, ``\\`` and the control
  characters escaped (``\\b \\t \\n \\f \\r`` short, the others as ``\\u00xx``), everything else as
  UTF-8;
- numbers as ECMAScript's ``Number.prototype.toString`` writes IEEE 754 doubles: the shortest
  digits that round-trip, plain between 1e-6 and 1e21, exponent form outside; ``-0`` is ``0``;
  NaN and the infinities are not JSON and are refused.

Python integers are written exactly, but only within ±(2**53 - 1): beyond that a JavaScript
(or any double-based) verifier would read a different number, so they are refused too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

__all__ = ["MAX_SAFE_INTEGER", "canonical_json"]

MAX_SAFE_INTEGER = 2**53 - 1

# The C encoder for strings without ensure_ascii escapes exactly what JCS escapes: '"', '\\'
# and U+0000..U+001F, with \b \t \n \f \r short and the rest as lowercase \u00xx.
_encode_string = encode_basestring


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical form of ``value`` as UTF-8 bytes.

    ``value`` is JSON data as Python holds it: ``dict`` (string keys), ``list`` or ``tuple``,
    ``str``, ``int``, ``float``, ``bool`` and ``None``. Anything else raises ``TypeError``;
    NaN, infinities, unsafe integers and strings with lone surrogates raise ``ValueError``.
    """
    try:
        return _encode(value).encode()
    except UnicodeEncodeError as error:
        raise ValueError("a JSON string holds a lone surrogate, which is not Unicode") from error


def _encode(value: Any) -> str:
    # Exact types first: the common case, and the cheapest test.
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is dict:
        return _object(value)
    if kind is list:
        return "[" + ",".join([_encode(item) for item in value]) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return _integer(value)
    if kind is float:
        return _number(value)
    # Subclasses (str enums, OrderedDict, tuples, ...), the same way.
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _integer(int(value))
    if isinstance(value, float):
        return _number(float(value))
    if isinstance(value, Mapping):
        return _object(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join([_encode(item) for item in value]) + "]"
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _object(value: Mapping[Any, Any]) -> str:
    keys = list(value)
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
    if all(key.isascii() for key in keys):
        keys.sort()  # code points and UTF-16 code units order ASCII alike
    else:
        keys.sort(key=_utf16_key)
    return "{" + ",".join([_encode_string(key) + ":" + _encode(value[key]) for key in keys]) + "}"


def _integer(value: int) -> str:
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise ValueError(f"{value} is beyond the integers JSON numbers hold exactly")
    return str(value)


def _utf16_key(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly as the sequence of 16-bit code units does.
    # "surrogatepass" lets a lone surrogate through here; encoding the output refuses it.
    return key.encode("utf-16-be", "surrogatepass")


def _number(value: float) -> str:
    """ECMAScript ``Number.prototype.toString`` for a finite double (ECMA-262, 7.1.12.1)."""
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a JSON number")
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, correctly rounded, as ECMAScript asks.
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)  # value = 0.digits * 10**point
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point  # value = digits * 10**(n - k), as in the ECMAScript algorithm
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        exp = f"e{'+' if e >= 0 else '-'}{abs(e)}"
        text = (digits if k == 1 else digits[0] + "." + digits[1:]) + exp
    return sign + text
