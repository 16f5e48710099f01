"""Argument types for the management commands: a number out of range is refused by the
parser, with the usage line, instead of failing later (or never stopping)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def at_least(minimum: float, kind: type = int) -> Callable[[str], float]:
    """An argparse ``type``: the value as ``kind`` (int or float), refused below ``minimum``."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum:g}, not {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def more_than(bound: float) -> Callable[[str], float]:
    """An argparse ``type``: a float strictly above ``bound``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > bound:
            raise argparse.ArgumentTypeError(f"must be more than {bound:g}, not {text}")
        return value

    parse.__name__ = "float"
    return parse
