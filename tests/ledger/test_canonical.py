"""RFC 8785 canonical JSON: the RFC's examples, its number table, Thai text, refusals."""

from __future__ import annotations

import enum
import json
import struct
from collections import OrderedDict

import pytest

from goodgov.ledger.canonical import canonical_json


def test_the_rfc_8785_main_example():
    # given: RFC 8785 section 3.2.2, as a JSON text
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    # when
    result = canonical_json(json.loads(source))
    # then
    assert (
        result
        == (
            '{"literals":[null,true,false],'
            '"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ).encode()
    )
    rfc_bytes = (  # RFC 8785 section 3.2.4
        "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72"
        " 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a"
        " 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31"
        " 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37"
        " 5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30"
        " 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d"
    )
    assert result == bytes.fromhex(rfc_bytes.replace(" ", ""))


def test_object_members_sort_by_utf16_code_units():
    # given: RFC 8785 section 3.2.3; the emoji (a surrogate pair) sorts before U+FB33
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    # when
    result = canonical_json(value)
    # then
    keys = list(json.loads(result))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert result.startswith(b'{"\\r":"Carriage Return","1":"One","\xc2\x80":"Control"')


# RFC 8785 appendix B: IEEE 754 bit patterns and their canonical text.
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), NUMBERS)
def test_numbers_are_written_as_ecmascript_writes_them(bits, expected):
    # given
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    # when / then
    assert canonical_json(value) == expected.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinities_are_refused(bits):
    # given
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    # when / then
    with pytest.raises(ValueError):
        canonical_json(value)


def test_thai_text_stays_utf8_and_keys_sort_by_code_unit():
    # given: a public event with Thai names and values
    event = {
        "ชื่อบริการ": "ใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ",
        "จังหวัด": "เชียงใหม่",
        "action": "case.submitted",
        "amount": 1500,
        "fee_paid": True,
        "note": None,
        "steps": ["ยื่นคำขอ", "ตรวจสอบ"],
    }
    # when
    result = canonical_json(event)
    # then: ASCII keys first, then จ (U+0E08) before ช (U+0E0A); Thai is not escaped
    assert (
        result
        == (
            '{"action":"case.submitted","amount":1500,"fee_paid":true,"note":null,'
            '"steps":["ยื่นคำขอ","ตรวจสอบ"],"จังหวัด":"เชียงใหม่",'
            '"ชื่อบริการ":"ใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ"}'
        ).encode()
    )
    assert json.loads(result) == event


def test_only_the_mandatory_escapes_are_used():
    # given
    text = '"\\\b\f\n\r\t\x00\x1f\x7f/<>&\u2028\u00e9'
    # when
    result = canonical_json(text)
    # then
    assert result == '"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\x7f/<>&\u2028\u00e9"'.encode()


def test_nesting_and_empty_containers():
    # given
    value = OrderedDict([("b", []), ("a", {}), ("c", [{"z": 1, "y": [0, -1, 2.5]}, ()])])
    # when / then
    assert canonical_json(value) == b'{"a":{},"b":[],"c":[{"y":[0,-1,2.5],"z":1},[]]}'


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**30])
def test_integers_beyond_what_a_double_holds_exactly_are_refused(value):
    # given / when / then
    with pytest.raises(ValueError):
        canonical_json({"n": value})
    assert canonical_json(2**53 - 1) == b"9007199254740991"


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {1, 2}}, b"bytes", object()])
def test_what_is_not_json_is_refused(value):
    # given / when / then
    with pytest.raises(TypeError):
        canonical_json(value)


def test_a_lone_surrogate_is_refused():
    # given / when / then
    with pytest.raises(ValueError):
        canonical_json({"a": "\ud800"})
    with pytest.raises(ValueError):
        canonical_json({"\udc00": 1})


def test_booleans_are_not_numbers():
    # given / when / then
    assert canonical_json([True, False, 1, 0, 1.0, -0.0]) == b"[true,false,1,0,1,0]"


def test_subclasses_of_json_types_are_written_as_their_base_type():
    # given: a str enum (as Django's TextChoices are), an int enum, a float subclass
    class Status(enum.StrEnum):
        SUBMITTED = "submitted"

    class Step(enum.IntEnum):
        REVIEW = 2

    class Money(float):
        pass

    # when
    result = canonical_json({"status": Status.SUBMITTED, "step": Step.REVIEW, "fee": Money(1e21)})
    # then
    assert result == b'{"fee":1e+21,"status":"submitted","step":2}'
