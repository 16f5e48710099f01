"""Every other protected operation, tried by the same eight clients as the cases matrix.

Anonymous, citizen A, citizen B, officers of the owning agency with and without the
role the operation needs (clerk, approver, counter officer, agency admin) and an officer
of another agency (every role there). For each URL that shows protected data or
changes something: the allowed clients get the page, or the change happens exactly
once; everyone else is refused the way the view's rule refuses (anonymous: sent to sign
in; others: the same 404 as for something that does not exist, or 405 where the method
check comes first), no protected text is in a refused answer, and no row anywhere
(sessions aside) is different afterwards.

Operations: agency officer administration (``agencies:*``), the counter look-up and
start (``office:counter``, ``office:counter_start``), rating a closed case
(``cases:rate``), the DPO's record of processing and breach register (``dpo:*``), ITA
answers and the executive dashboard (``governance:ita_answer``, ``governance:dashboard``),
performance plans, objectives, indicators, targets, values and costs
(``performance:plans:*``, ``performance:costs``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from goodgov.accounts.services import user_totp_activate
from goodgov.agencies.models import Membership
from goodgov.cases import office_views
from goodgov.cases import services as case_services
from goodgov.cases.models import Case
from goodgov.core import national_id
from goodgov.exchange import breach as breach_services
from goodgov.exchange import services as exchange_services
from goodgov.exchange.models import Breach, RecordView
from goodgov.governance import services as governance_services
from goodgov.governance.models import ItaAnswer
from goodgov.ledger.models import Event
from goodgov.performance import plans
from goodgov.performance import services as plan_services
from goodgov.performance.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Plan,
    ServiceCost,
    StrategicObjective,
)
from tests.cases.conftest import submitted_case
from tests.cases.test_access_matrix import CLIENTS, client_for
from tests.conftest import ID_B, make_officer

pytestmark = pytest.mark.django_db

OFFICERS_OF_TBNK = {"clerk", "approver", "counter_officer", "agency_admin"}
ALL_OFFICERS = OFFICERS_OF_TBNK | {"foreign_officer"}
ADMINS_ANYWHERE = {"agency_admin", "foreign_officer"}
COUNTER_ROLE_ANYWHERE = {"counter_officer", "foreign_officer"}

# Tables left out of the "nothing changed" comparison: sessions (a signed-out form is
# kept in the session meanwhile) and Django's static permission tables.
NOT_COMPARED = {"sessions.Session", "auth.Permission", "contenttypes.ContentType"}


def db_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but :data:`NOT_COMPARED`), by model."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.label not in NOT_COMPARED
    }


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def new_actions(events_before: int) -> list[str]:
    return list(Event.objects.order_by("id").values_list("action", flat=True)[events_before:])


def normalised(response: Any, *asked: str) -> str:
    """A page without the addresses asked for and the per-response CSRF token."""
    text = response.content.decode()
    for address in asked:
        text = text.replace(address, "URL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


# ------------------------------------------------------------------ the operations


@dataclass
class Op:
    """One URL of a protected operation and what each client may do there.

    ``get_ok``/``post_ok``: clients allowed, with the status they get. ``refusal``:
    how a refused client is answered per method ("login", 404 or 405); by default
    anonymous → "login", anyone else → 404. ``effect(world, before_state, events)``
    checks the allowed POST's change (or that nothing changed when it is None).
    """

    url: Callable[[dict[str, Any]], str]
    missing: Callable[[dict[str, Any]], str] | None
    get_ok: dict[str, int] = field(default_factory=dict)
    post_ok: dict[str, int] = field(default_factory=dict)
    data: Callable[[dict[str, Any]], dict[str, Any]] = lambda world: {}
    effect: Callable[[dict[str, Any], str, dict[str, Any], int], None] | None = None
    get_refusal: Callable[[str], Any] | None = None
    post_refusal: Callable[[str], Any] | None = None
    protected: Callable[[dict[str, Any]], list[str]] = lambda world: []
    world: str = ""
    prepare: Callable[[Any, dict[str, Any], str], None] | None = None
    shows: Callable[[dict[str, Any]], list[str]] = lambda world: []


def default_refusal(who: str) -> Any:
    return "login" if who == "anonymous" else 404


def post_only(holders: set[str]) -> Callable[[str], Any]:
    """A GET to a POST-only view: the coarse rule first (sign in; 404 unless the user
    holds what the rule's kind asks, anywhere), then 405."""

    def refusal(who: str) -> Any:
        if who == "anonymous":
            return "login"
        return 405 if who in holders else 404

    return refusal


def always(status: int) -> Callable[[str], Any]:
    return lambda who: status


def assert_answer(response: Any, expected: Any) -> None:
    if expected == "login":
        assert response.status_code == 302, response.status_code
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, expected)


def assert_nothing_leaks(response: Any, protected: list[str], asked: str = "") -> None:
    """No protected text in the answer, but in the address the client asked for (which
    pages repeat, as the language switch's way back)."""
    body = response.content.decode(errors="replace")
    where = response.get("Location", "")
    if asked:
        body, where = body.replace(asked, "URL"), where.replace(asked, "URL")
    for text in protected:
        if text in asked:  # the client named it
            continue
        assert text not in body, f"{text!r} in a refused answer"
        assert text not in where, f"{text!r} in a refused redirect"


def run_matrix(request: Any, as_user: Any, op: Op, who: str) -> None:
    world = request.getfixturevalue(op.world)
    client = client_for(request, as_user, who)
    if op.prepare is not None:
        op.prepare(client, world, who)
    url = op.url(world)
    protected = op.protected(world)
    get_refusal = op.get_refusal or default_refusal
    post_refusal = op.post_refusal or default_refusal

    # GET: shows the page to the allowed clients; changes nothing for anyone
    before = db_state()
    page = client.get(url)
    if who in op.get_ok:
        assert page.status_code == op.get_ok[who], page.status_code
        for text in op.shows(world):  # the page the others are refused shows it
            assert text in page.content.decode(), text
    else:
        assert_answer(page, get_refusal(who))
        assert_nothing_leaks(page, protected, url)
        if page.status_code == 404 and op.missing is not None:
            missing = client.get(op.missing(world))
            assert missing.status_code == 404
            assert normalised(page, url) == normalised(missing, op.missing(world))
    assert changed_tables(before, db_state()) == []

    # POST: the change happens exactly once for the allowed; nothing for the others
    events = Event.objects.count()
    before = db_state()
    posted = client.post(url, op.data(world))
    if who in op.post_ok:
        assert posted.status_code == op.post_ok[who], (
            posted.status_code,
            posted.content.decode()[:2000],
        )
        if op.effect is None:
            assert changed_tables(before, db_state()) == []
        else:
            op.effect(world, who, before, events)
    else:
        assert_answer(posted, post_refusal(who))
        assert_nothing_leaks(posted, protected, url)
        if posted.status_code == 404 and op.missing is not None:
            missing = client.post(op.missing(world), op.data(world))
            assert missing.status_code == 404
            assert normalised(posted, url) == normalised(missing, op.missing(world))
        assert changed_tables(before, db_state()) == []
        assert Event.objects.count() == events


def only(*labels: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """The ledger changed, and no table but ``labels`` (and the ledger's) did."""

    def check(before: dict[str, Any], after: dict[str, Any]) -> None:
        changed = changed_tables(before, after)
        assert "ledger.Event" in changed
        assert set(changed) <= {*labels, "ledger.Event", "ledger.PersonSalt"}, changed

    return check  # type: ignore[return-value]


# ------------------------------------------------------------ agency administration

TARGET_EMAIL = "prapai.sukjai@tbnk.example.test"
TARGET_NAME = "prapai.sukjai"
NEW_EMAIL = "wichai.thongdee@example.test"
NEW_NAME = "วิชัย ทองดี"


@pytest.fixture
def agency_world(agency: Any) -> dict[str, Any]:
    """TBNK with a case officer who lost their authenticator app (the one acted on)."""
    target = make_officer(TARGET_EMAIL, agency, "officer")
    user_totp_activate(user=target, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(target)
    return {"agency": agency, "target": target}


def _factors(user: Any) -> list[str]:
    return sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def _officer_url(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"agencies:{name}", kwargs={"code": "TBNK", "user_id": w["target"].pk})


def _missing_officer_url(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"agencies:{name}", kwargs={"code": "TBNK", "user_id": 999999})


def _agency_protected(world: dict[str, Any]) -> list[str]:
    return [TARGET_EMAIL, TARGET_NAME, NEW_EMAIL, NEW_NAME]


def _granted(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    target = world["target"]
    assert Membership.objects.filter(user=target, role="approver", active=True).count() == 1
    assert new_actions(events) == ["membership.granted"]
    only("agencies.Membership", "ledger.Event")(before, db_state())


def _revoked(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    target = world["target"]
    assert not Membership.objects.filter(user=target, role="officer", active=True).exists()
    assert new_actions(events) == ["membership.revoked"]
    only("agencies.Membership", "ledger.Event")(before, db_state())


def _added(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    from goodgov.accounts.models import User

    added = User.objects.get(email=NEW_EMAIL)
    assert list(Membership.objects.filter(user=added).values_list("role", flat=True)) == ["officer"]
    assert new_actions(events) == ["person.registered", "membership.granted"]


def _reset(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert _factors(world["target"]) == []
    assert new_actions(events) == ["officer.second_factor_reset"]


ADMIN_ONLY_200 = {"agency_admin": 200}

AGENCY_OPS = {
    "agencies:officers": Op(
        url=lambda w: reverse("agencies:officers", kwargs={"code": "TBNK"}),
        shows=lambda w: [TARGET_EMAIL],
        missing=lambda w: reverse("agencies:officers", kwargs={"code": "NOPE"}),
        get_ok=ADMIN_ONLY_200,
        post_ok=ADMIN_ONLY_200,  # a POST only shows the page again
    ),
    "agencies:officer": Op(
        url=_officer_url("officer"),
        shows=lambda w: [TARGET_EMAIL],
        missing=_missing_officer_url("officer"),
        get_ok=ADMIN_ONLY_200,
        post_ok=ADMIN_ONLY_200,
    ),
    "agencies:officer_add": Op(
        url=lambda w: reverse("agencies:officer_add", kwargs={"code": "TBNK"}),
        missing=lambda w: reverse("agencies:officer_add", kwargs={"code": "NOPE"}),
        get_ok=ADMIN_ONLY_200,
        post_ok=ADMIN_ONLY_200,  # the page saying the new officer's password link was emailed
        data=lambda w: {"email": NEW_EMAIL, "full_name": NEW_NAME, "roles": ["officer"]},
        effect=_added,
    ),
    "agencies:role_grant": Op(
        url=_officer_url("role_grant"),
        missing=_missing_officer_url("role_grant"),
        post_ok={"agency_admin": 302},
        data=lambda w: {"role": "approver"},
        effect=_granted,
        get_refusal=post_only(ADMINS_ANYWHERE),
    ),
    "agencies:role_revoke": Op(
        url=_officer_url("role_revoke"),
        missing=_missing_officer_url("role_revoke"),
        post_ok={"agency_admin": 302},
        data=lambda w: {"role": "officer"},
        effect=_revoked,
        get_refusal=post_only(ADMINS_ANYWHERE),
    ),
    "agencies:second_factor_reset": Op(
        url=_officer_url("second_factor_reset"),
        shows=lambda w: [TARGET_NAME],
        missing=_missing_officer_url("second_factor_reset"),
        get_ok=ADMIN_ONLY_200,  # the GET only asks to confirm
        post_ok={"agency_admin": 302},
        effect=_reset,
    ),
}
for _op in AGENCY_OPS.values():
    _op.world = "agency_world"
    _op.protected = _agency_protected


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("operation", list(AGENCY_OPS))
def test_agency_officer_administration(request, as_user, operation, who):
    run_matrix(request, as_user, AGENCY_OPS[operation], who)


@pytest.mark.parametrize("who", CLIENTS)
def test_agency_index_leads_each_admin_to_their_own_agency_only(
    request, as_user, agency_world, who
):
    client = client_for(request, as_user, who)
    before = db_state()
    response = client.get(reverse("agencies:index"))
    if who == "agency_admin":
        assert response.status_code == 302
        assert response["Location"] == reverse("agencies:officers", kwargs={"code": "TBNK"})
    elif who == "foreign_officer":
        assert response.status_code == 302
        assert response["Location"] == reverse("agencies:officers", kwargs={"code": "DEPT"})
    else:
        assert_answer(response, default_refusal(who))
    assert_nothing_leaks(response, _agency_protected(agency_world))
    assert changed_tables(before, db_state()) == []


# ------------------------------------------------------------- the counter

NEW_PERSON_ID = "1509901234569"


@pytest.fixture
def counter_world(citizen_b: Any, service_version: Any) -> dict[str, Any]:
    return {"person": citizen_b}


def _counter_protected(world: dict[str, Any]) -> list[str]:
    person = world["person"]
    return [
        person.full_name,
        person.email,
        ID_B,
        national_id.display(ID_B),
        NEW_PERSON_ID,
        national_id.display(NEW_PERSON_ID),
    ]


def _as_if_found(client: Any, world: dict[str, Any], who: str) -> None:
    """Put citizen B in the client's session, as if the counter had found them."""
    if who != "anonymous":
        session = client.session
        session[office_views.COUNTER_PERSON] = world["person"].pk
        session.save()


def _as_if_nobody_found(client: Any, world: dict[str, Any], who: str) -> None:
    """Put a looked-up ID that nobody has in the client's session, as the counter does."""
    if who != "anonymous":
        session = client.session
        session[office_views.COUNTER_NEW] = national_id.encrypt_text(
            NEW_PERSON_ID,
            purpose=office_views._COUNTER_NEW_PURPOSE,
        )
        session.save()


def _looked_up(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert new_actions(events) == ["person.viewed"]
    view = RecordView.objects.get()
    assert (view.person, view.purpose) == (world["person"], "counter-lookup")
    assert view.agency.code == ("TBNK" if who == "counter_officer" else "DEPT")
    only("exchange.RecordView", "ledger.Event", "ledger.PersonSalt")(before, db_state())


def _registered(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    from goodgov.accounts.models import User

    assert User.objects.filter(full_name="นางสมศรี มาใหม่").count() == 1
    assert "person.registered" in new_actions(events)


def _started(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    case = Case.objects.get()
    assert (case.applicant, case.state) == (world["person"], "draft")
    assert new_actions(events) == ["case.started"]


COUNTER_OPS = {
    "office:counter find": Op(
        url=lambda w: reverse("office:counter"),
        missing=None,
        get_ok={"counter_officer": 200, "foreign_officer": 200},
        post_ok={"counter_officer": 302, "foreign_officer": 302},
        data=lambda w: {"step": "find", "national_id": ID_B},
        effect=_looked_up,
    ),
    "office:counter register": Op(
        url=lambda w: reverse("office:counter"),
        missing=None,
        get_ok={"counter_officer": 200, "foreign_officer": 200},
        post_ok={"counter_officer": 302, "foreign_officer": 302},
        data=lambda w: {"step": "register", "full_name": "นางสมศรี มาใหม่", "phone": ""},
        effect=_registered,
        prepare=_as_if_nobody_found,
    ),
    "office:counter_start": Op(
        url=lambda w: reverse("office:counter_start"),
        missing=None,
        # a GET only sends officers back to the counter page (which refuses them if
        # they have no counter role)
        get_ok=dict.fromkeys(ALL_OFFICERS, 302),
        post_ok={"counter_officer": 302},
        data=lambda w: {"service": "test-permit"},
        effect=_started,
        prepare=_as_if_found,
    ),
}
for _op in COUNTER_OPS.values():
    _op.world = "counter_world"
    _op.protected = _counter_protected


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("operation", list(COUNTER_OPS))
def test_counter(request, as_user, operation, who):
    run_matrix(request, as_user, COUNTER_OPS[operation], who)


@pytest.mark.parametrize("who", sorted(COUNTER_ROLE_ANYWHERE))
def test_the_counter_lists_only_the_officers_own_agencys_services(
    request, as_user, counter_world, who
):
    client = client_for(request, as_user, who)
    _as_if_found(client, counter_world, who)
    page = client.get(reverse("office:counter")).content.decode()
    assert counter_world["person"].full_name in page
    assert ('value="test-permit"' in page) == (who == "counter_officer")


# ------------------------------------------------------------- rating a closed case


@pytest.fixture
def rating_world(citizen_a: Any, clerk: Any, approver: Any, service_version: Any) -> dict[str, Any]:
    case = submitted_case(citizen_a, service_version)
    case = case_services.case_claim(actor=clerk, case=case)
    case = case_services.case_approve(actor=approver, case=case, conditions="")
    return {"case": case}


def _rated(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert new_actions(events) == ["case.rated"]
    assert Event.objects.filter(action="case.rated").get().public["score"] == 4


RATING_OPS = {
    "cases:rate": Op(
        url=lambda w: reverse("cases:rate", kwargs={"case_id": w["case"].uuid}),
        missing=lambda w: reverse(
            "cases:rate", kwargs={"case_id": "00000000-0000-4000-8000-000000000000"}
        ),
        post_ok={"citizen_a": 302},
        data=lambda w: {"score": "4", "comment": "เร็วดี"},
        effect=_rated,
        get_refusal=always(405),  # POST only, checked before anything else
    ),
    "cases:rate without a score": Op(
        url=lambda w: reverse("cases:rate", kwargs={"case_id": w["case"].uuid}),
        missing=lambda w: reverse(
            "cases:rate", kwargs={"case_id": "00000000-0000-4000-8000-000000000000"}
        ),
        post_ok={"citizen_a": 400},  # the form again, with the error; nothing recorded
        data=lambda w: {"comment": "เร็วดี"},
        get_refusal=always(405),
    ),
}
for _op in RATING_OPS.values():
    _op.world = "rating_world"
    _op.protected = lambda w: [w["case"].reference, str(w["case"].uuid), "ร้านข้าวแกงป้าแดง"]


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("operation", list(RATING_OPS))
def test_rating_a_closed_case(request, as_user, operation, who):
    run_matrix(request, as_user, RATING_OPS[operation], who)


# ------------------------------------------------------------- the DPO's records

BREACH_TEXT = "รายชื่อผู้ยื่นคำขอ 40 รายถูกส่งอีเมลผิดที่อยู่ (B-7731)"


@pytest.fixture
def dpo_world(settings: Any, agency: Any, service_version: Any) -> dict[str, Any]:
    settings.GOODGOV_EXCHANGE_AGENCY = "TBNK"
    exchange_services.right_grant(
        actor=None,
        client="ddg",
        service="population",
        method="person",
        fields=["age", "address"],
        purposes=["elderly-allowance-7731"],
        legal_bases=["pdpa-24-4"],
    )
    found = breach_services.breach_record(
        actor=None,
        agency=agency,
        discovered_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        description=BREACH_TEXT,
        affected_count=40,
        risk="risk",
    )
    return {"breach": found}


def _dpo_protected(world: dict[str, Any]) -> list[str]:
    return [BREACH_TEXT, str(world["breach"].uuid), "elderly-allowance-7731", "B-9902"]


def _moment(name: str, when: dt.datetime) -> dict[str, str]:
    local = when.astimezone(dt.timezone(dt.timedelta(hours=7)))
    parts = {
        "0_0": str(local.day),
        "0_1": str(local.month),
        "0_2": str(local.year + 543),
        "1_0": f"{local.hour:02d}",
        "1_1": f"{local.minute:02d}",
    }
    return {f"{name}_{part}": value for part, value in parts.items()}


def _breach_recorded(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert Breach.objects.filter(description__contains="B-9902").count() == 1
    assert len(new_actions(events)) == 1


def _notified(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    found = Breach.objects.get(pk=world["breach"].pk)
    assert found.notified_office_at is not None
    assert len(new_actions(events)) == 1
    only("exchange.Breach", "ledger.Event")(before, db_state())


def _dpo_url(name: str, code: str = "TBNK") -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"dpo:{name}", kwargs={"code": code})


def _breach_url(breach_id: Any = None) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(
        "dpo:breach",
        kwargs={"code": "TBNK", "breach_id": breach_id or w["breach"].uuid},
    )


DPO_OPS = {
    "dpo:ropa": Op(
        url=_dpo_url("ropa"),
        shows=lambda w: ["elderly-allowance-7731"],
        missing=_dpo_url("ropa", "NOPE"),
        get_ok=ADMIN_ONLY_200,
        post_refusal=always(405),  # GET only, checked before anything else
    ),
    "dpo:ropa_csv": Op(
        url=_dpo_url("ropa_csv"),
        shows=lambda w: ["elderly-allowance-7731"],
        missing=_dpo_url("ropa_csv", "NOPE"),
        get_ok=ADMIN_ONLY_200,
        post_refusal=always(405),
    ),
    "dpo:breaches": Op(
        url=_dpo_url("breaches"),
        shows=lambda w: [str(w["breach"].uuid)],
        missing=_dpo_url("breaches", "NOPE"),
        get_ok=ADMIN_ONLY_200,
        post_refusal=always(405),
    ),
    "dpo:breach_new": Op(
        url=_dpo_url("breach_new"),
        missing=_dpo_url("breach_new", "NOPE"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {
            **_moment("discovered_at", dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)),
            "description": "แฟ้มคำขอหายจากเคาน์เตอร์ (B-9902)",
            "affected_count": "3",
            "risk": "risk",
        },
        effect=_breach_recorded,
    ),
    "dpo:breach": Op(
        url=_breach_url(),
        shows=lambda w: [BREACH_TEXT],
        missing=_breach_url("00000000-0000-4000-8000-000000000000"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {"whom": "office"},
        effect=_notified,
    ),
}
for _op in DPO_OPS.values():
    _op.world = "dpo_world"
    _op.protected = _dpo_protected


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("operation", list(DPO_OPS))
def test_dpo_records(request, as_user, operation, who):
    run_matrix(request, as_user, DPO_OPS[operation], who)


def test_the_dpo_pages_show_the_protected_text_to_the_admin(as_user, dpo_world, agency_admin):
    client = as_user(agency_admin)
    assert BREACH_TEXT in client.get(_breach_url()(dpo_world)).content.decode()
    assert (
        str(dpo_world["breach"].uuid)
        in client.get(_dpo_url("breaches")(dpo_world)).content.decode()
    )
    assert "elderly-allowance-7731" in client.get(_dpo_url("ropa")(dpo_world)).content.decode()


# ------------------------------------------------------------- ITA answers

ITA_URL = "https://intranet.tbnk.example.test/ita/o1-draft-5521"
ITA_EVIDENCE = "บันทึกภายใน 5521"


@pytest.fixture
def ita_world(agency: Any) -> dict[str, Any]:
    governance_services.ita_checklist_load(year=2568)
    return {}


def _ita_url(code: str = "TBNK", item: str = "O1") -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(
        "governance:ita_answer", kwargs={"code": code, "year": 2568, "item": item}
    )


def _answered(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    answer = ItaAnswer.objects.get()
    assert (answer.url, answer.evidence) == (ITA_URL, ITA_EVIDENCE)
    assert new_actions(events) == ["ita.item_answered"]


GOVERNANCE_OPS = {
    "governance:ita_answer": Op(
        url=_ita_url(),
        missing=_ita_url("NOPE"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {"url": ITA_URL, "evidence": ITA_EVIDENCE},
        effect=_answered,
    ),
    "governance:dashboard": Op(
        # executives only; none of the eight clients is one
        url=lambda w: reverse("governance:dashboard"),
        missing=None,
    ),
}
for _op in GOVERNANCE_OPS.values():
    _op.world = "ita_world"
    _op.protected = lambda w: [ITA_URL, ITA_EVIDENCE]


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("operation", list(GOVERNANCE_OPS))
def test_governance(request, as_user, operation, who):
    run_matrix(request, as_user, GOVERNANCE_OPS[operation], who)


# ------------------------------------------------------------- performance plans

YEAR = plans.fiscal_year_of(timezone.localdate())
YEAR_BE = plans.be(YEAR)
PLAN_TITLE = "แผนพัฒนาบริการดิจิทัล 4417"
OBJECTIVE = "บริการรวดเร็ว 4417"
INDICATOR = "ความพึงพอใจ 4417"
ENTRANT_EMAIL = "entrant@tbnk.example.test"


@pytest.fixture
def plan_world(agency: Any, agency_admin: Any, service_version: Any) -> dict[str, Any]:
    plan = plan_services.plan_create(
        actor=agency_admin,
        agency=agency,
        first_year=YEAR,
        last_year=YEAR + 1,
        title_th=PLAN_TITLE,
        title_en="",
        vision_th="วิสัยทัศน์",
        vision_en="",
        mission_th="พันธกิจ",
        mission_en="",
    )
    objective = plan_services.objective_add(
        actor=agency_admin, plan=plan, name_th=OBJECTIVE, name_en="", weight=1
    )
    entrant = make_officer(ENTRANT_EMAIL, agency, "officer")
    indicator = plan_services.indicator_add(
        actor=None,
        objective=objective,
        name_th=INDICATOR,
        name_en="",
        kind="outcome",
        unit_th="ร้อยละ",
        unit_en="",
        baseline=Decimal("70"),
        direction="up",
        data_source_th="แหล่งข้อมูล",
        weight=Decimal("1"),
        measure="",
        owner=entrant,
    )
    plan_services.target_set(
        actor=None, indicator=indicator, fiscal_year=YEAR, period="h1", value=Decimal("80")
    )
    value = plan_services.indicator_value_enter(
        actor=entrant,
        indicator=indicator,
        fiscal_year=YEAR,
        period="h1",
        value=Decimal("75"),
        evidence_note="ผลสำรวจ",
    )
    return {
        "plan": plan,
        "objective": objective,
        "indicator": indicator,
        "value": value,
        "entrant": entrant,
    }


def _plan_protected(world: dict[str, Any]) -> list[str]:
    return [PLAN_TITLE, OBJECTIVE, INDICATOR, ENTRANT_EMAIL]


def _changed(*labels: str, actions: list[str] | None = None) -> Callable[..., None]:
    def effect(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
        only(*labels, "ledger.Event")(before, db_state())
        if actions is not None:
            assert new_actions(events) == actions
        else:
            assert len(new_actions(events)) == 1

    return effect


def who_email(who: str) -> str:
    return {
        "clerk": "clerk@tbnk.example.test",
        "approver": "approver@tbnk.example.test",
        "counter_officer": "counter@tbnk.example.test",
        "agency_admin": "admin@tbnk.example.test",
    }[who]


def _plan_created(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert Plan.objects.filter(title_th="แผนใหม่ 4417").count() == 1
    _changed("performance.Plan")(world, who, before, events)


def _plan_saved(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert Plan.objects.get(pk=world["plan"].pk).title_th == "แผนแก้ไขแล้ว 4417"
    _changed("performance.Plan")(world, who, before, events)


def _objective_added(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert StrategicObjective.objects.filter(name_th="เป้าใหม่ 4417").count() == 1
    _changed("performance.StrategicObjective")(world, who, before, events)


def _objective_saved(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert StrategicObjective.objects.get(pk=world["objective"].pk).name_th == "แก้แล้ว 4417"
    _changed("performance.StrategicObjective")(world, who, before, events)


def _indicator_added(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert Indicator.objects.filter(name_th="ตัวชี้วัดใหม่ 4417").count() == 1
    _changed("performance.Indicator")(world, who, before, events)


def _indicator_saved(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert Indicator.objects.get(pk=world["indicator"].pk).name_th == "ตัวชี้วัดใหม่ 4417"
    _changed("performance.Indicator")(world, who, before, events)


def _targets_saved(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    targets = IndicatorTarget.objects.filter(indicator=world["indicator"])
    assert {(t.fiscal_year, t.period): t.value for t in targets} == {(YEAR, "h1"): Decimal(81)}
    _changed("performance.IndicatorTarget")(world, who, before, events)


def _value_entered(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    new = IndicatorValue.objects.exclude(pk=world["value"].pk).get()
    assert (new.value, new.approved_at) == (Decimal("76.5"), None)
    assert new.entered_by.email == who_email(who)
    _changed("performance.IndicatorValue")(world, who, before, events)


def _value_approved(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    value = IndicatorValue.objects.get(pk=world["value"].pk)
    assert value.approved_at is not None and value.approved_by.email == who_email(who)
    _changed("performance.IndicatorValue")(world, who, before, events)


def _cost_set(world: dict[str, Any], who: str, before: dict[str, Any], events: int) -> None:
    assert list(ServiceCost.objects.values_list("period", "amount")) == [
        ("FY2026", Decimal("120000.00"))
    ]
    assert new_actions(events) == ["service.cost_set"]


INDICATOR_FORM = {
    "name_th": "ตัวชี้วัดใหม่ 4417",
    "kind": "outcome",
    "unit_th": "คน",
    "baseline": "100",
    "direction": "up",
    "weight": "2",
    "measure": "",
    "data_source_th": "ทะเบียน",
}


def _plan_url(name: str, key: str, arg: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"performance:plans:{name}", kwargs={arg: w[key].pk})


def _plan_missing(name: str, arg: str) -> Callable[[dict[str, Any]], str]:
    return lambda w: reverse(f"performance:plans:{name}", kwargs={arg: 999999})


PLAN_OPS = {
    "plans:create": Op(
        url=lambda w: reverse("performance:plans:create", kwargs={"code": "TBNK"}),
        missing=lambda w: reverse("performance:plans:create", kwargs={"code": "NOPE"}),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {
            "title_th": "แผนใหม่ 4417",
            "first_year": str(YEAR_BE),
            "last_year": str(YEAR_BE + 1),
            "vision_th": "วิสัยทัศน์",
            "mission_th": "พันธกิจ",
        },
        effect=_plan_created,
    ),
    "plans:edit": Op(
        url=_plan_url("edit", "plan", "plan_id"),
        shows=lambda w: [PLAN_TITLE],
        missing=_plan_missing("edit", "plan_id"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {
            "title_th": "แผนแก้ไขแล้ว 4417",
            "first_year": str(YEAR_BE),
            "last_year": str(YEAR_BE + 1),
            "vision_th": "วิสัยทัศน์",
            "mission_th": "พันธกิจ",
        },
        effect=_plan_saved,
    ),
    "plans:objective_add": Op(
        url=_plan_url("objective_add", "plan", "plan_id"),
        missing=_plan_missing("objective_add", "plan_id"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {"name_th": "เป้าใหม่ 4417", "weight": "1"},
        effect=_objective_added,
    ),
    "plans:objective_edit": Op(
        url=_plan_url("objective_edit", "objective", "objective_id"),
        shows=lambda w: [OBJECTIVE],
        missing=_plan_missing("objective_edit", "objective_id"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {"number": "1", "name_th": "แก้แล้ว 4417", "weight": "1"},
        effect=_objective_saved,
    ),
    "plans:indicator_add": Op(
        url=_plan_url("indicator_add", "objective", "objective_id"),
        missing=_plan_missing("indicator_add", "objective_id"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: INDICATOR_FORM,
        effect=_indicator_added,
    ),
    "plans:indicator_edit": Op(
        url=_plan_url("indicator_edit", "indicator", "indicator_id"),
        shows=lambda w: [INDICATOR],
        missing=_plan_missing("indicator_edit", "indicator_id"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: INDICATOR_FORM,
        effect=_indicator_saved,
    ),
    "plans:targets": Op(
        url=_plan_url("targets", "indicator", "indicator_id"),
        missing=_plan_missing("targets", "indicator_id"),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {f"y{YEAR}_h1": "81"},
        effect=_targets_saved,
    ),
    "plans:value_enter": Op(
        url=_plan_url("value_enter", "indicator", "indicator_id"),
        missing=_plan_missing("value_enter", "indicator_id"),
        get_ok=dict.fromkeys(OFFICERS_OF_TBNK, 200),
        post_ok=dict.fromkeys(OFFICERS_OF_TBNK, 302),
        data=lambda w: {
            "fiscal_year": str(YEAR),
            "period": "h1",
            "value": "76.5",
            "evidence_url": "https://tbnk.example.test/survey",
        },
        effect=_value_entered,
    ),
    "plans:approvals": Op(
        url=_plan_url("approvals", "plan", "plan_id"),
        shows=lambda w: [PLAN_TITLE, f"/values/{w['value'].pk}/approve/"],
        missing=_plan_missing("approvals", "plan_id"),
        get_ok={"approver": 200, "agency_admin": 200},
        post_ok={"approver": 200, "agency_admin": 200},  # a POST only shows the page again
    ),
    "plans:value_approve": Op(
        url=_plan_url("value_approve", "value", "value_id"),
        missing=_plan_missing("value_approve", "value_id"),
        post_ok={"approver": 302, "agency_admin": 302},
        effect=_value_approved,
        get_refusal=post_only(ALL_OFFICERS),
    ),
    "performance:costs": Op(
        url=lambda w: reverse("performance:costs", kwargs={"code": "TBNK"}),
        missing=lambda w: reverse("performance:costs", kwargs={"code": "NOPE"}),
        get_ok=ADMIN_ONLY_200,
        post_ok={"agency_admin": 302},
        data=lambda w: {
            "service": "test-permit",
            "fiscal_year": "2569",
            "month": "",
            "amount": "120000",
        },
        effect=_cost_set,
    ),
}
for _op in PLAN_OPS.values():
    _op.world = "plan_world"
    _op.protected = _plan_protected


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("operation", list(PLAN_OPS))
def test_performance_plans_and_costs(request, as_user, operation, who):
    run_matrix(request, as_user, PLAN_OPS[operation], who)
