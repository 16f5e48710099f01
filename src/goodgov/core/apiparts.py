"""What the JSON API's routers share (``goodgov.api`` mounts them; it cannot be imported
by them): the body of a refusal, and a path converter for parameters of any text."""

from __future__ import annotations

from django.urls import register_converter
from ninja import Schema


class DetailOut(Schema):
    """A refusal (``goodgov.api``'s handlers): why, in the client's language."""

    detail: str


class AnyTextConverter:
    """A path parameter of any text, as the OpenAPI schema says (``type: string``):
    with a slash ("%2F") or a line break ("%0A") too, which Django's ``str`` and ``path``
    converters leave to the site's HTML 404 page instead of the operation's JSON one.
    Routes write it ``{anytext:name}``."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyTextConverter, "anytext")
