"""Public, cacheable ledger endpoints (C2SP tlog-tiles): anyone may read, no sign-in."""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

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


def _size_arg(request: HttpRequest, name: str, default: int | None = None) -> int:
    value = request.GET.get(name)
    if value is None and default is not None:
        return default
    if value is None or not value.isdigit():
        raise Http404
    return int(value)


def _proof_response(body: dict[str, object], *, sizes_given: bool) -> JsonResponse:
    response = JsonResponse(body)
    # A proof between sizes named in the URL never changes; one "to the latest" does.
    response["Cache-Control"] = IMMUTABLE if sizes_given else FRESH
    response["Access-Control-Allow-Origin"] = "*"
    return response


@access.rule(access.PUBLIC, "an inclusion proof of one entry in the public log")
def inclusion_proof(request: HttpRequest) -> JsonResponse:
    """``?index=N[&size=S]``: the audit path of entry N in the tree of size S (default: latest)."""
    latest = sequencer.latest_checkpoint()
    if latest is None:
        raise Http404
    size = _size_arg(request, "size", latest.size)
    index = _size_arg(request, "index")
    if not 0 <= index < size <= latest.size:
        raise Http404
    reader = tiles.TileReader(latest.size, sequencer.fetch_tile)
    return _proof_response(
        {
            "index": index,
            "size": size,
            "leaf_hash": _b64(reader.leaf_hash(index)),
            "proof": [_b64(h) for h in reader.inclusion_proof(index, size)],
        },
        sizes_given="size" in request.GET,
    )


@access.rule(access.PUBLIC, "a consistency proof between two sizes of the public log")
def consistency_proof(request: HttpRequest) -> JsonResponse:
    """``?old=A[&new=B]``: the proof that the tree of size B extends the tree of size A."""
    latest = sequencer.latest_checkpoint()
    if latest is None:
        raise Http404
    old, new = _size_arg(request, "old"), _size_arg(request, "new", latest.size)
    if not 0 < old <= new <= latest.size:
        raise Http404
    reader = tiles.TileReader(latest.size, sequencer.fetch_tile)
    return _proof_response(
        {"old": old, "new": new, "proof": [_b64(h) for h in reader.consistency_proof(old, new)]},
        sizes_given="new" in request.GET,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
