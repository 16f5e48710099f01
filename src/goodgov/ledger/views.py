"""Public, cacheable ledger endpoints (C2SP tlog-tiles): anyone may read, no sign-in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from goodgov.core import access
from goodgov.ledger import keys, sequencer, tiles
from goodgov.ledger.models import Tile

IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "public, max-age=1, must-revalidate"


def _text(body: str, cache: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


@access.rule(access.PUBLIC, "the signed checkpoint of the public log")
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = sequencer.latest_checkpoint()
    if latest is None:
        raise Http404
    return _text(latest.note, FRESH)


@access.rule(access.PUBLIC, "the log's verifier key (signed-note format)")
def key(request: HttpRequest) -> HttpResponse:
    return _text(keys.verifier_key() + "\n", "public, max-age=3600")


@access.rule(access.PUBLIC, "a hash tile or entry bundle of the public log")
def tile(request: HttpRequest, path: str) -> HttpResponse:
    try:
        wanted = tiles.parse_tile_path("tile/" + path)
    except ValueError as exc:
        raise Http404 from exc
    latest = sequencer.latest_checkpoint()
    size = latest.size if latest else 0
    if (
        tiles.tile_width(wanted.level if wanted.level >= 0 else 0, wanted.index, size)
        < wanted.width
    ):
        raise Http404
    stored = Tile.objects.filter(level=wanted.level, index=wanted.index).only("width").first()
    if stored is None or stored.width < wanted.width:
        raise Http404
    data = sequencer.fetch_tile(wanted.level, wanted.index, wanted.width)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if wanted.is_full else FRESH
    response["Access-Control-Allow-Origin"] = "*"
    return response
