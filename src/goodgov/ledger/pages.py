"""The public ledger for people: the latest entries, one entry with its proof, and the
receipt checker. Anyone may use them, signed in or not; the machine endpoints the pages
point to are in :mod:`goodgov.ledger.views`."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goodgov.agencies.models import Agency
from goodgov.core import access as rules
from goodgov.ledger import access, keys, merkle, note, receipts, sequencer, tiles
from goodgov.ledger.forms import EntryFilterForm, VerifyForm
from goodgov.ledger.models import Checkpoint, Event

PER_PAGE = 25


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _entries(size: int, filters: dict[str, Any]) -> QuerySet[Event]:
    events = access.published_events(size)
    if filters.get("agency"):
        events = events.filter(agency__code=filters["agency"])
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("date_from"):
        events = events.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(created_at__lt=_day_start(filters["date_to"] + dt.timedelta(1)))
    return events.select_related("agency").order_by("-leaf_index")


def _ledger_urls(request: HttpRequest) -> dict[str, str]:
    """Absolute addresses of the machine endpoints, for the "check it yourself" section."""
    base = request.build_absolute_uri(reverse("ledger:checkpoint")).removesuffix("checkpoint")
    return {
        "base": base,
        "checkpoint": base + "checkpoint",
        "key": base + "key",
        "first_tile": base + tiles.tile_path(0, 0),
        "first_bundle": base + tiles.entries_path(0),
    }


def _actions() -> list[str]:
    """The actions the log holds, for the filter (an index-only scan of ``action``)."""
    return list(
        Event.objects.filter(leaf_index__isnull=False)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


@rules.rule(rules.PUBLIC, "the public ledger: latest entries, checkpoint and key")
def index(request: HttpRequest) -> HttpResponse:
    latest = sequencer.latest_checkpoint()
    size = latest.size if latest else 0
    form = EntryFilterForm(
        request.GET or None,
        agencies=[(a.code, f"{a.name} ({a.code})") for a in Agency.objects.order_by("code")],
        actions=_actions(),
    )
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # a bad value is shown as its error; the good filters still apply
        filters = form.cleaned_data
    paginator = Paginator(_entries(size, filters), PER_PAGE)
    if not any(filters.values()):
        paginator.count = size  # every sequenced event: no need to count them
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ledger/index.html",
        {
            "form": form,
            "page": page,
            "rows": [(event, sequencer.entry_bytes(event).decode()) for event in page],
            "query": query.urlencode(),
            "checkpoint": latest,
            "verifier_key": keys.verifier_key(),
            "urls": _ledger_urls(request),
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


@rules.rule(rules.PUBLIC, "one entry of the public ledger with its inclusion proof")
def entry(request: HttpRequest, index: int) -> HttpResponse:
    latest, event = access.entry_to_show(index)
    reader = tiles.TileReader(latest.size, sequencer.fetch_tile)
    leaf = reader.leaf_hash(index)
    proof = reader.inclusion_proof(index, latest.size)
    signed = note.parse_checkpoint(note.open_note(latest.note, [keys.verifier_key()]))
    bundle = index // tiles.TILE_WIDTH
    bundle_width = tiles.tile_width(0, bundle, latest.size)
    published = tiles.parse_entry_bundle(sequencer.fetch_tile(tiles.ENTRIES, bundle, bundle_width))[
        index % tiles.TILE_WIDTH
    ]
    proof_url = f"{reverse('ledger:inclusion_proof')}?index={index}&size={latest.size}"
    return render(
        request,
        "ledger/entry.html",
        {
            "index": index,
            "event": event,
            "entry_text": published.decode(),
            "leaf_b64": base64.b64encode(leaf).decode(),
            "leaf_hex": leaf.hex(),
            "proof": [base64.b64encode(h).decode() for h in proof],
            "verified": merkle.verify_inclusion(leaf, index, latest.size, proof, signed.root),
            "checkpoint": latest,
            "code": receipts.short_code(index, leaf),
            "proof_url": proof_url,
            "bundle_path": "/ledger/" + tiles.entries_path(bundle, bundle_width),
            "tile_path": "/ledger/" + tiles.tile_path(0, bundle, bundle_width),
        },
    )


def _checkpoint_time(size: int | None) -> dt.datetime | None:
    if size is None:
        return None
    return Checkpoint.objects.filter(size=size).values_list("created_at", flat=True).first()


@require_http_methods(["GET", "POST"])
@rules.rule(rules.PUBLIC, "anyone may check a ledger receipt or a receipt's short code")
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif request.GET.get("code"):
        form = VerifyForm({"code": request.GET["code"]})
    else:
        form = VerifyForm()
    result: receipts.ReceiptCheck | None = None
    if form.is_bound and form.is_valid():
        given = form.cleaned_data.get("file") or form.cleaned_data.get("receipt")
        if given is not None:
            result = receipts.check_here(given.value)
        else:
            found = receipts.check_code(form.data.get("code", ""))
            if found is None:
                form.add_error("code", VerifyForm.UNKNOWN_CODE)
            else:
                result = found[1]
    return render(
        request,
        "ledger/verify.html",
        {
            "form": form,
            "result": result,
            "checkpoint_time": _checkpoint_time(result.size if result and result.valid else None),
            "agency": _agency_of(result),
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def _agency_of(result: receipts.ReceiptCheck | None) -> Agency | None:
    code = (result.entry or {}).get("agency") if result is not None and result.valid else None
    return Agency.objects.filter(code=code).first() if isinstance(code, str) else None
