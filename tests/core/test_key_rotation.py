"""Rotating the secret key: the old key in ``SECRET_KEY_FALLBACKS`` keeps personal data
readable and findable, new writes use the new key, ``goodgov pii rekey`` moves everything
to the new key, and without the old key nothing reads (loudly, never as garbage)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from goodgov.accounts.models import User
from goodgov.accounts.selectors import user_by_national_id
from goodgov.cases import office_views, services
from goodgov.cases.models import Case, FetchedFact, InformationRequest
from goodgov.core import national_id
from goodgov.core.rekey import encrypted_columns, national_id_pairs, person_hash_columns, rekey_all
from goodgov.exchange import registries, synthetic
from goodgov.exchange.models import (
    Consent,
    Exchange,
    PersonSalt,
    RegistryPerson,
    WelfareRecord,
)
from goodgov.ledger.models import Event
from tests.cases.conftest import ANSWERS, submitted_case
from tests.conftest import ID_A, ID_B
from tests.test_settings import run_goodgov

pytestmark = pytest.mark.django_db

OLD = "old-secret-key-" + "o" * 40
NEW = "new-secret-key-" + "n" * 40
REGISTRY_ID = "1509901234569"


@pytest.fixture
def old_key(settings: Any) -> Any:
    """Everything the test makes before :func:`rotate` is sealed with the old key."""
    settings.SECRET_KEY = OLD
    settings.SECRET_KEY_FALLBACKS = []
    return settings


@pytest.fixture
def submitted(old_key: Any, citizen_a: User, service_version: Any) -> Case:
    """The cases app's submitted case (``tests/cases/conftest.py``), under the old key."""
    return submitted_case(citizen_a, service_version)


@pytest.fixture
def in_review(submitted: Case, clerk: User) -> Case:
    return services.case_claim(actor=clerk, case=submitted)


def rotate(settings: Any, *, keep_old: bool = True) -> None:
    settings.SECRET_KEY = NEW
    settings.SECRET_KEY_FALLBACKS = [OLD] if keep_old else []


def raw(model: type, pk: Any, column: str) -> Any:
    return model.objects.filter(pk=pk).values_list(column, flat=True).get()


def stored_token(model: type, pk: Any, column: str) -> str:
    """The column as stored, bypassing the field's decryption."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(model._meta.db_table)} WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def _registry_person() -> Any:
    """The registry's person with ``REGISTRY_ID``, born in 1950."""
    return synthetic.given_person(
        national_id_value=REGISTRY_ID,
        given_th="สมหญิง",
        family_th="ทดสอบ",
        birth_date=synthetic.REFERENCE_DAY.replace(year=1950),
        sex="F",
    )


def test_lookup_hashes_are_the_current_key_first_then_each_fallback(old_key):
    # given
    under_old = national_id.lookup_hash(ID_A)
    # when
    rotate(old_key)
    # then
    assert national_id.lookup_hashes(ID_A) == [national_id.lookup_hash(ID_A), under_old]
    assert national_id.lookup_hash(ID_A) != under_old
    old_key.SECRET_KEY_FALLBACKS = []
    assert national_id.lookup_hashes(ID_A) == [national_id.lookup_hash(ID_A)]


def test_a_person_made_under_the_old_key_is_found_and_read_with_the_old_key_as_fallback(
    old_key, citizen_a
):
    # given
    rotate(old_key)
    # when
    found = user_by_national_id(ID_A)
    # then
    assert found == citizen_a
    reread = User.objects.get(pk=citizen_a.pk)
    assert reread.national_id == ID_A
    assert reread.national_id_display == "1-1017-00230-70-8"


def test_the_counter_finds_and_shows_a_person_made_under_the_old_key(
    old_key, as_user, counter_officer, citizen_b, service_version
):
    # given
    rotate(old_key)
    client = as_user(counter_officer)
    # when
    response = client.post(
        reverse("office:counter"), {"step": "find", "national_id": "3-1006-00445-78-3"}
    )
    # then
    assert response.status_code == 302
    assert client.session[office_views.COUNTER_PERSON] == citizen_b.pk
    page = client.get(response["Location"]).content.decode()
    assert citizen_b.full_name in page and "3-1006-00445-78-3" in page


def test_a_case_and_its_events_made_under_the_old_key_still_read(old_key, in_review, clerk):
    # given
    asked = services.case_request_info(actor=clerk, case=in_review, message="สำเนาทะเบียนบ้าน")
    before = Case.objects.get(pk=in_review.pk).data
    events_before = dict(Event.objects.filter(private__isnull=False).values_list("pk", "private"))
    # when
    rotate(old_key)
    # then
    assert Case.objects.get(pk=in_review.pk).data == before
    assert before["shop_name"] == ANSWERS["shop_name"]
    assert dict(Event.objects.filter(pk__in=events_before).values_list("pk", "private")) == (
        events_before
    )
    assert {"message": "สำเนาทะเบียนบ้าน"} in events_before.values()
    assert InformationRequest.objects.get(pk=asked.pk).message == "สำเนาทะเบียนบ้าน"


def test_new_writes_use_the_new_key_only(old_key, in_review, clerk, citizen_a):
    # given
    asked = services.case_request_info(actor=clerk, case=in_review, message="ขอเอกสาร")
    rotate(old_key)
    # when
    services.case_answer(actor=citizen_a, case=in_review, response="แนบแล้วค่ะ")
    citizen_b = User.objects.create_user(email="b@example.test", password="x" * 12)
    citizen_b.set_national_id(ID_B)
    citizen_b.save()
    # then
    answer_token = stored_token(InformationRequest, asked.pk, "response")
    id_token = raw(User, citizen_b.pk, "national_id_encrypted")
    assert national_id.decrypt_text(answer_token) == "แนบแล้วค่ะ"
    assert raw(User, citizen_b.pk, "national_id_hash") == national_id.lookup_hash(ID_B)
    old_key.SECRET_KEY, old_key.SECRET_KEY_FALLBACKS = OLD, []
    with pytest.raises(national_id.UnknownKey):
        national_id.decrypt_text(answer_token)
    with pytest.raises(national_id.UnknownKey):
        national_id.decrypt_text(id_token)


def test_without_the_old_key_reading_fails_loudly(old_key, in_review, clerk, citizen_a):
    # given
    services.case_request_info(actor=clerk, case=in_review, message="ขอเอกสาร")
    rotate(old_key, keep_old=False)
    # then: an exception, never a wrong value
    with pytest.raises(InvalidTag):
        Case.objects.get(pk=in_review.pk)
    with pytest.raises(national_id.UnknownKey):
        User.objects.get(pk=citizen_a.pk).national_id  # noqa: B018
    with pytest.raises(national_id.UnknownKey):
        list(Event.objects.filter(private__isnull=False))
    assert user_by_national_id(ID_A) is None  # the old hash matches nothing now


def test_a_registry_person_and_their_welfare_made_under_the_old_key_are_served(old_key):
    # given
    person = _registry_person()
    synthetic.insert([person])
    welfare = WelfareRecord(
        programme="elderly-allowance", monthly_amount=700, since=person.birth_date
    )
    welfare.set_national_id(REGISTRY_ID)
    welfare.save()
    rotate(old_key)
    query = {"national_id": REGISTRY_ID}
    # when
    key, found = registries.population_person(query)
    _key, status = registries.welfare_status(query)
    # then
    assert key == national_id.lookup_hash(REGISTRY_ID)
    assert found["given_name_th"] == "สมหญิง"
    assert [p["programme"] for p in status["programmes"]] == ["elderly-allowance"]
    assert synthetic.insert([person]) == 0  # already there: not inserted twice


def test_rekey_moves_everything_to_the_new_key(old_key, in_review, clerk, citizen_a):
    # given: data and look-up hashes of every kind, made under the old key
    asked = services.case_request_info(actor=clerk, case=in_review, message="ขอเอกสาร")
    services.case_answer(actor=citizen_a, case=in_review, response="แนบแล้วค่ะ")
    synthetic.insert([_registry_person()])
    old_a, old_registry = national_id.lookup_hash(ID_A), national_id.lookup_hash(REGISTRY_ID)
    consent = Consent.objects.create(
        person_hash=old_a,
        client="n2",
        service="population",
        purpose="p",
        expires_at=in_review.created_at,
    )
    salt = PersonSalt.objects.create(person_hash=old_registry, salt="s" * 64)
    stranger = national_id.lookup_hash(ID_B)  # no account or record here: cannot be moved
    exchange = Exchange.objects.create(
        direction="served",
        peer="n2",
        service="population",
        method="person",
        purpose="p",
        legal_basis="pdpa-24-4",
        person_hash=stranger,
        nonce="n",
    )
    case_data = Case.objects.get(pk=in_review.pk).data
    events = dict(Event.objects.filter(private__isnull=False).values_list("pk", "private"))
    rotate(old_key)
    # when
    counts = rekey_all(batch=2)
    # then: with the old key gone, everything reads and the hashes are the new key's
    old_key.SECRET_KEY_FALLBACKS = []
    assert counts["cases.Case"] == 1
    assert counts["cases.InformationRequest"] == 1
    assert counts["ledger.Event"] == len(events) >= 2
    assert counts["accounts.User"] == 1
    assert counts["exchange.RegistryPerson"] == 1
    assert counts["exchange.Consent"] == 1 and counts["exchange.PersonSalt"] == 1
    assert counts["exchange.Exchange"] == 0
    assert Case.objects.get(pk=in_review.pk).data == case_data
    assert dict(Event.objects.filter(pk__in=events).values_list("pk", "private")) == events
    assert InformationRequest.objects.get(pk=asked.pk).response == "แนบแล้วค่ะ"
    assert User.objects.get(pk=citizen_a.pk).national_id == ID_A
    assert user_by_national_id(ID_A) == citizen_a
    assert raw(User, citizen_a.pk, "national_id_hash") == national_id.lookup_hash(ID_A)
    registry = RegistryPerson.objects.get()
    assert registry.national_id == REGISTRY_ID
    assert registry.national_id_hash == national_id.lookup_hash(REGISTRY_ID)
    assert raw(Consent, consent.pk, "person_hash") == national_id.lookup_hash(ID_A)
    assert raw(PersonSalt, salt.pk, "person_hash") == national_id.lookup_hash(REGISTRY_ID)
    assert raw(Exchange, exchange.pk, "person_hash") == stranger
    assert registries.population_person({"national_id": REGISTRY_ID})[1]["given_name_th"] == (
        "สมหญิง"
    )


def test_rekey_twice_changes_nothing_the_second_time(old_key, submitted):
    # given
    rotate(old_key)
    first = rekey_all()
    token = stored_token(Case, submitted.pk, "data")
    # when
    second = rekey_all()
    # then
    assert first["cases.Case"] == 1
    assert set(second.values()) == {0}
    assert stored_token(Case, submitted.pk, "data") == token


def test_rekey_keeps_a_newer_registry_salt_over_the_old_one(old_key):
    # given: the person got a salt under each key (the new one during the rotation)
    synthetic.insert([_registry_person()])
    PersonSalt.objects.create(person_hash=national_id.lookup_hash(REGISTRY_ID), salt="o" * 64)
    rotate(old_key)
    PersonSalt.objects.create(person_hash=national_id.lookup_hash(REGISTRY_ID), salt="n" * 64)
    # when
    rekey_all()
    # then
    assert list(PersonSalt.objects.values_list("person_hash", "salt")) == [
        (national_id.lookup_hash(REGISTRY_ID), "n" * 64)
    ]


def test_the_rekey_command_prints_counts_per_model(old_key, submitted):
    # given
    rotate(old_key)
    out = StringIO()
    # when
    call_command("pii", "rekey", "--batch", "10", stdout=out)
    # then
    lines = [line.split() for line in out.getvalue().splitlines()]
    assert ["cases.Case", "1"] in lines
    assert ["accounts.User", "1"] in lines
    assert ["exchange.Exchange", "0"] in lines
    assert "1 fallback key(s) still configured" in out.getvalue().splitlines()[-1]


def test_the_rekey_command_stops_on_a_value_no_key_opens(old_key, submitted):
    # given
    rotate(old_key, keep_old=False)
    # when / then
    with pytest.raises(CommandError, match="GOODGOV_SECRET_KEY_FALLBACKS"):
        call_command("pii", "rekey", stdout=StringIO())
    assert stored_token(Case, submitted.pk, "data") is not None


def test_rekey_finds_every_encrypted_column_and_national_id_pair():
    # when
    columns = {(c.model._meta.label, c.field.name) for c in encrypted_columns()}
    pairs = {(p.model._meta.label, p.encrypted.name, p.hash.name) for p in national_id_pairs()}
    hashes = {f.model._meta.label for f in person_hash_columns()}
    # then
    assert {
        ("cases.Case", "data"),
        ("cases.InformationRequest", "response"),
        ("cases.FetchedFact", "data"),
        ("ledger.Event", "private"),
    } <= columns
    assert FetchedFact._meta.get_field("data").name == "data"
    assert pairs == {
        ("accounts.User", "national_id_encrypted", "national_id_hash"),
        # an ID the person gave themselves, not checked: sealed and hashed alike
        ("accounts.User", "national_id_claim_encrypted", "national_id_claim_hash"),
        ("exchange.RegistryPerson", "national_id_encrypted", "national_id_hash"),
        ("exchange.WelfareRecord", "national_id_encrypted", "national_id_hash"),
    }
    assert {"exchange.Consent", "exchange.Exchange", "exchange.PersonSalt"} <= hashes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" old-one , old-two ,, ", ["old-one", "old-two"]),
        ("   ", []),
        (None, []),
    ],
)
def test_secret_key_fallbacks_come_from_the_environment(
    tmp_path: Path, value: str | None, expected: list[str]
) -> None:
    # given
    env = {"GOODGOV_DATA_DIR": str(tmp_path)}
    if value is not None:
        env["GOODGOV_SECRET_KEY_FALLBACKS"] = value
    # when
    result = run_goodgov(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)",
        env=env,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)


def test_a_consent_given_under_the_old_key_still_stands(old_key, citizen_a):
    # given
    from goodgov.exchange import access, client, errors

    consent = Consent.objects.create(
        person_hash=national_id.lookup_hash(ID_A),
        client="n1",
        service="population",
        purpose="p",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    rotate(old_key)
    query = {"national_id": ID_A}
    key = registries.person_hash(query)
    terms = {"client": "n1", "service": "population", "purpose": "p"}
    # when
    at_provider = access._check_consent(
        str(consent.reference), **terms, person=registries.person_hashes(query, key)
    )
    at_client = client.standing_consent(
        str(consent.reference),
        **terms,
        person_hash=key,
        person_hashes=national_id.lookup_hashes(ID_A),
    )
    # then
    assert at_provider == consent and at_client == consent
    with pytest.raises(errors.ConsentMissing):
        client.standing_consent(str(consent.reference), **terms, person_hash=key)
    old_key.SECRET_KEY_FALLBACKS = []
    with pytest.raises(errors.ConsentMissing):
        access._check_consent(
            str(consent.reference), **terms, person=registries.person_hashes(query, key)
        )


def test_the_tracker_answers_with_the_uses_recorded_under_the_old_key(old_key, citizen_a):
    # given
    Exchange.objects.create(
        direction="served",
        peer="n2",
        service="population",
        method="person",
        purpose="p",
        legal_basis="pdpa-24-4",
        person_hash=national_id.lookup_hash(ID_A),
        nonce="n",
    )
    rotate(old_key)
    # when
    _key, record = registries.tracker_uses({"national_id": ID_A})
    # then
    assert [use["node"] for use in record["exchanges"]] == ["n2"]


def test_erasure_during_a_rotation_withdraws_consents_under_either_key(old_key, citizen_a):
    # given: one consent given before the rotation, one after
    from goodgov.exchange.erasure import person_erase

    def give() -> Consent:
        return Consent.objects.create(
            person_hash=national_id.lookup_hash(ID_A),
            client="n1",
            service="population",
            purpose="p",
            expires_at=timezone.now() + dt.timedelta(days=1),
        )

    before = give()
    rotate(old_key)
    after = give()
    # when
    person_erase(actor=None, person=citizen_a)
    # then
    assert Consent.objects.filter(pk__in=[before.pk, after.pk], withdrawn_at=None).count() == 0
