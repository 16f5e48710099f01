"""Public, cacheable ledger endpoints (C2SP tlog-tiles): anyone may read, no sign-in."""

from __future__ import annotations

import base64
import re

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from goodgov.core import access as rules
from goodgov.ledger import access, keys, merkle, sequencer, tiles
from goodgov.ledger.models import Checkpoint, Tile

IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "public, max-age=1, must-revalidate"
#: Signed checkpoints per page of ``/ledger/checkpoints``.
CHECKPOINTS_PAGE = 1000


def _text(body: str, cache: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


@rules.rule(rules.PUBLIC, "the signed checkpoint of the public log")
def checkpoint(request: HttpRequest) -> HttpResponse:
    return _text(access.checkpoint_to_show().note, FRESH)


@rules.rule(rules.PUBLIC, "the log's verifier key (signed-note format)")
def key(request: HttpRequest) -> HttpResponse:
    return _text(keys.verifier_key() + "\n", "public, max-age=3600")


@rules.rule(rules.PUBLIC, "the public log's stored signed checkpoints, in size order")
def checkpoints(request: HttpRequest) -> JsonResponse:
    """``?after=S``: up to 1,000 signed checkpoints of sizes above S (default 0), smallest first.

    ``next`` is the ``after`` of the following page, or ``null`` on the last one. A full page
    never changes (checkpoints are only ever added, at larger sizes), so it is immutable.
    """
    after = _size_arg(request, "after", 0)
    rows = list(
        Checkpoint.objects.filter(size__gt=after)
        .order_by("size")
        .values_list("size", "note")[:CHECKPOINTS_PAGE]
    )
    full = len(rows) == CHECKPOINTS_PAGE
    response = JsonResponse(
        {
            "checkpoints": [{"size": size, "note": text} for size, text in rows],
            "next": rows[-1][0] if full else None,
        }
    )
    response["Cache-Control"] = IMMUTABLE if full else FRESH
    response["Access-Control-Allow-Origin"] = "*"
    return response


@rules.rule(rules.PUBLIC, "a hash tile or entry bundle of the public log")
def tile(request: HttpRequest, path: str) -> HttpResponse:
    try:
        wanted = tiles.parse_tile_path("tile/" + path)
    except ValueError as exc:
        raise Http404 from exc
    size = _latest_size() or 0
    if (
        tiles.tile_width(wanted.level if wanted.level >= 0 else 0, wanted.index, size)
        < wanted.width
    ):
        raise Http404
    try:
        data = sequencer.fetch_tile(wanted.level, wanted.index, wanted.width)
    except KeyError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if wanted.is_full else FRESH
    response["Access-Control-Allow-Origin"] = "*"
    return response


#: The largest index or size a URL may name: more than any log holds, and less than the
#: database's integers (a bigger one would reach the SQL and fail there).
MAX_SIZE = 2**62


def _size_arg(request: HttpRequest, name: str, default: int | None = None) -> int:
    """A size or index from the query: ASCII digits only (one URL per proof, so caches
    hold one copy; ``str.isdigit`` also takes "²" and Thai digits), at most
    :data:`MAX_SIZE`; anything else is not found."""
    value = request.GET.get(name)
    if value is None and default is not None:
        return default
    if value is None or not re.fullmatch(r"[0-9]{1,19}", value) or int(value) > MAX_SIZE:
        raise Http404
    return int(value)


def _proof_response(body: dict[str, object], *, sizes_given: bool) -> JsonResponse:
    response = JsonResponse(body)
    # A proof between sizes named in the URL never changes; one "to the latest" does.
    response["Cache-Control"] = IMMUTABLE if sizes_given else FRESH
    response["Access-Control-Allow-Origin"] = "*"
    return response


@rules.rule(rules.PUBLIC, "an inclusion proof of one entry in the public log")
def inclusion_proof(request: HttpRequest) -> JsonResponse:
    """``?index=N[&size=S]``: the audit path of entry N in the tree of size S (default: latest)."""
    index = _size_arg(request, "index")
    given = _size_arg(request, "size") if "size" in request.GET else None
    latest, fetch = _proof_tiles(index, *(() if given is None else (given - 1,)))
    size = latest if given is None else given
    if latest is None or size is None or not 0 <= index < size <= latest:
        raise Http404
    reader = tiles.TileReader(latest, fetch)
    return _proof_response(
        {
            "index": index,
            "size": size,
            "leaf_hash": _b64(reader.leaf_hash(index)),
            "proof": [_b64(h) for h in reader.inclusion_proof(index, size)],
        },
        sizes_given=given is not None,
    )


@rules.rule(rules.PUBLIC, "a consistency proof between two sizes of the public log")
def consistency_proof(request: HttpRequest) -> JsonResponse:
    """``?old=A[&new=B]``: the proof that the tree of size B extends the tree of size A."""
    old = _size_arg(request, "old")
    given = _size_arg(request, "new") if "new" in request.GET else None
    latest, fetch = _proof_tiles(max(old - 1, 0), *(() if given is None else (given - 1,)))
    new = latest if given is None else given
    if latest is None or new is None or not 0 < old <= new <= latest:
        raise Http404
    reader = tiles.TileReader(latest, fetch)
    return _proof_response(
        {"old": old, "new": new, "proof": [_b64(h) for h in reader.consistency_proof(old, new)]},
        sizes_given=given is not None,
    )


def _latest_size() -> int | None:
    """The size of the latest signed checkpoint (the tiles are served for it)."""
    return Checkpoint.objects.order_by("-size").values_list("size", flat=True).first()


# The proof path is one query of plain SQL: building it with the ORM, or asking for the
# latest size first, costs more than running it. Tile levels 0..6 cover 2**56 leaves.
_PROOF_LEVELS = 7
_SIZE_ROW = -2  # the ``level`` of the row that carries the latest size, not a tile
#: The latest size this process has seen: how many tile levels a proof's query asks for
#: (fewer levels plan faster; a level the log has grown since is read when asked for).
_size_hint = 0
_INDEX = connection.ops.quote_name("index")
_PROOF_SQL = (
    "WITH latest AS (SELECT size FROM {checkpoints} ORDER BY size DESC LIMIT 1) "
    "SELECT {size_row}, size, 0, NULL FROM latest UNION ALL "
    "SELECT level, {index}, width, data FROM {tiles} WHERE {where}"
)
_LEVEL_WHERE = (
    "(level = {level} AND {index} IN ({wanted}(SELECT (size - 1) >> {shift} FROM latest)))"
)


def _proof_tiles(*leaves: int) -> tuple[int | None, tiles.FetchTile]:
    """The latest checkpoint's size, and :func:`sequencer.fetch_tile` for it with the tiles a
    proof about ``leaves`` reads already fetched: at each tile level, the tile above each
    leaf and the rightmost tile. Any other tile is read when asked for."""
    global _size_hint
    levels = 1
    while max(_size_hint, *leaves) >> (tiles.TILE_HEIGHT * levels) and levels < _PROOF_LEVELS:
        levels += 1
    where, params = [], []
    for level in range(levels):
        shift = tiles.TILE_HEIGHT * (level + 1)
        wanted = sorted({leaf >> shift for leaf in leaves})
        params += wanted
        where.append(
            _LEVEL_WHERE.format(level=level, index=_INDEX, wanted="%s, " * len(wanted), shift=shift)
        )
    sql = _PROOF_SQL.format(
        checkpoints=connection.ops.quote_name(Checkpoint._meta.db_table),
        tiles=connection.ops.quote_name(Tile._meta.db_table),
        size_row=_SIZE_ROW,
        index=_INDEX,
        where=" OR ".join(where),
    )
    latest, rows = None, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for level, index, width, data in cursor.fetchall():
            if level == _SIZE_ROW:
                latest = _size_hint = int(index)
            else:
                rows[(level, index)] = (width, data)

    def fetch(level: int, index: int, width: int) -> bytes:
        row = rows.get((level, index))
        if row is None:
            return sequencer.fetch_tile(level, index, width)
        if row[0] < width:
            raise KeyError(f"no tile {level}/{index} of width {width}")
        return bytes(row[1][: width * merkle.HASH_SIZE])

    return latest, fetch


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
