"""/me/data/: the person sees every exchange of their data and withdraws their consents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from goodgov.core import national_id
from goodgov.exchange import services
from goodgov.exchange.models import Consent
from goodgov.ledger.models import Event
from tests.conftest import ID_A, ID_B


def _served(person: str, purpose: str) -> None:
    services.exchange_record_served(
        client="tbnk",
        service="population",
        method="person",
        purpose=purpose,
        legal_basis="pdpa-24-4",
        consent=None,
        person_hash=national_id.lookup_hash(person),
        fields=["age"],
        nonce="n-" + purpose,
    )


def _consent(person: str) -> Consent:
    return services.consent_give(
        actor=None,
        person_hash=national_id.lookup_hash(person),
        client="tbnk",
        service="population",
        purpose="elderly-allowance",
        expires_at=timezone.now() + dt.timedelta(days=90),
    )


def test_the_person_sees_only_the_uses_of_their_own_data(
    citizen_a: Any, citizen_b: Any, as_user: Any
) -> None:
    # given
    _served(ID_A, "elderly-allowance")
    _served(ID_B, "tax-audit")

    # when
    response = as_user(citizen_a).get("/en/me/data/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "elderly-allowance" in page
    assert "tax-audit" not in page
    assert "PDPA section 24(4)" in page
    assert "Sent to tbnk" in page


def test_the_person_withdraws_their_own_consent(citizen_a: Any, as_user: Any) -> None:
    # given
    consent = _consent(ID_A)
    browser = as_user(citizen_a)
    assert "Withdraw" in browser.get("/en/me/data/").content.decode()

    # when
    response = browser.post(f"/en/me/data/consents/{consent.reference}/withdraw/")

    # then
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    event = Event.objects.get(action="exchange.consent_withdrawn")
    assert event.actor == citizen_a
    assert "Withdrawn on" in browser.get("/en/me/data/").content.decode()


def test_nobody_withdraws_another_persons_consent(
    citizen_a: Any, citizen_b: Any, as_user: Any
) -> None:
    # given
    consent = _consent(ID_B)

    # when
    response = as_user(citizen_a).post(f"/en/me/data/consents/{consent.reference}/withdraw/")

    # then
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not Event.objects.filter(action="exchange.consent_withdrawn").exists()


def test_a_stranger_is_sent_to_sign_in(db: Any, as_user: Any) -> None:
    # given
    consent = _consent(ID_A)

    # when
    page = as_user(None).get("/me/data/")
    withdraw = as_user(None).post(f"/me/data/consents/{consent.reference}/withdraw/")

    # then
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert withdraw.status_code == 302 and "/accounts/login/" in withdraw["Location"]
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_person_without_a_national_id_sees_that_nothing_can_be_linked(
    db: Any, as_user: Any
) -> None:
    # given
    from tests.conftest import make_user

    person = make_user("noid@example.test")

    # when
    response = as_user(person).get("/en/me/data/")

    # then
    assert response.status_code == 200
    assert "no national ID number" in response.content.decode()
