"""A form sent after the session ended keeps what was typed, through signing in again.

The person is sent to sign in, comes back to the page the form was on (never to a
"method not allowed" page), and finds what they typed there, shown and not acted on.
"""

from __future__ import annotations

import html
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from goodgov.cases import services
from goodgov.cases.models import Case, State
from goodgov.core import kept_forms
from goodgov.ledger.models import Event
from goodgov.performance.models import Plan
from tests.accounts.helpers import PASSWORD, SECRET, en, totp_code
from tests.cases.conftest import submitted_case

pytestmark = pytest.mark.django_db

KEPT = "This is what you typed before your session ended"
SIGN_IN_AGAIN = "Sign in again to go back to the form with what you typed"


def end_session(client: Client) -> None:
    """The session times out (30 minutes without a request), as in test_sessions.py."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=Session.objects.get(session_key=client.session.session_key).expire_date.replace(
            year=2000
        )
    )


def sign_in_again(client: Client, user: Any, next_url: str) -> Any:
    """The real sign-in form, as the sign-in page sends it (with its ``next``)."""
    response = client.post(
        en("account_login"), {"login": user.email, "password": PASSWORD, "next": next_url}
    )
    if response.status_code == 302 and response["Location"] == en("mfa_authenticate"):
        response = client.post(en("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert response.status_code == 302
    return response


def login_target(response: Any) -> str:
    """The ``next`` of a redirect to the sign-in page."""
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(en("account_login")), location
    return parse_qs(urlsplit(location).query)["next"][0]


@pytest.fixture
def draft(citizen_a: Any, service_version: Any) -> Case:
    case = services.case_start(
        actor=citizen_a, applicant=citizen_a, service=service_version.service
    )
    return services.case_save_draft(
        actor=citizen_a, case=case, answers={"shop_name": "First name", "seats": 5}
    )


def test_an_application_typed_past_the_session_comes_back_after_signing_in(
    as_user, citizen_a, draft
):
    # given: a citizen whose session ended while they filled in their application
    client = as_user(citizen_a)
    edit = en("cases:edit", case_id=draft.uuid)
    assert client.get(edit).status_code == 200
    end_session(client)
    events_before = Event.objects.count()

    # when: they press Continue
    response = client.post(
        edit,
        {
            "shop_name": "ร้านข้าวแกงป้าแดง",
            "opening_date_0": "1",
            "opening_date_1": "12",
            "opening_date_2": "2026",
            "seats": "24",
            "_action": "continue",
        },
    )

    # then: they are asked to sign in, told that what they typed is kept, and nothing
    # was saved or recorded
    assert login_target(response) == edit
    page = client.get(response["Location"]).content.decode()
    assert SIGN_IN_AGAIN in html.unescape(page)
    draft.refresh_from_db()
    assert draft.data == {"shop_name": "First name", "seats": 5}
    assert Event.objects.count() == events_before

    # when: they sign in with the real sign-in form and come back
    back = sign_in_again(client, citizen_a, edit)
    assert back["Location"] == edit
    page = html.unescape(client.get(edit).content.decode())

    # then: the form holds what they typed, unsaved, and says so
    assert KEPT in page
    assert 'value="ร้านข้าวแกงป้าแดง"' in page and 'value="24"' in page
    draft.refresh_from_db()
    assert draft.data == {"shop_name": "First name", "seats": 5}
    assert Event.objects.count() == events_before

    # and: it is shown once; the draft as saved comes back after that
    again = html.unescape(client.get(edit).content.decode())
    assert KEPT not in again and 'value="First name"' in again


def test_an_answer_to_an_officer_comes_back_on_the_case_page_not_a_method_error(
    as_user, citizen_a, clerk, service_version
):
    # given: a case waiting for the citizen's answer, and their session has ended
    case = services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    services.case_request_info(actor=clerk, case=case, message="Send the lease, please.")
    client = as_user(citizen_a)
    end_session(client)

    # when: they send their answer (the address only takes a POST)
    response = client.post(
        en("cases:answer", case_id=case.uuid), {"response": "The lease runs to 2570."}
    )

    # then: after signing in they are on the case page with their answer in its box,
    # and the officer has received nothing yet
    detail = en("cases:detail", case_id=case.uuid)
    assert login_target(response) == detail
    sign_in_again(client, citizen_a, detail)
    page = client.get(detail)
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert KEPT in text and "The lease runs to 2570." in text
    case.refresh_from_db()
    assert case.state == State.INFO_REQUESTED
    assert not Event.objects.filter(action="case.info_provided").exists()


def test_files_chosen_are_named_as_not_kept(as_user, citizen_a, clerk, service_version):
    case = services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    services.case_request_info(actor=clerk, case=case, message="Send the lease, please.")
    client = as_user(citizen_a)
    end_session(client)
    response = client.post(
        en("cases:answer", case_id=case.uuid),
        {
            "response": "Lease attached.",
            "document": SimpleUploadedFile(
                "lease.pdf", b"%PDF-1.4 lease\n%%EOF\n", "application/pdf"
            ),
        },
    )

    page = html.unescape(client.get(response["Location"]).content.decode())
    assert SIGN_IN_AGAIN in page
    assert "Files you chose cannot be kept: please choose them again." in page


def test_an_officers_refusal_reasons_come_back_on_the_case_page(
    as_user, citizen_a, approver, clerk, service_version
):
    # given: an approver writing reasons for a refusal when their session ends
    case = services.case_claim(actor=clerk, case=submitted_case(citizen_a, service_version))
    client = as_user(approver)
    end_session(client)

    # when: they send the refusal
    response = client.post(
        en("office:reject", case_id=case.uuid),
        {"reasons": "The kitchen has no grease trap.", "legal_ground": "0"},
    )

    # then: after signing in (password and code) the case page has their reasons, and the
    # case is not decided
    page_url = en("office:case", case_id=case.uuid)
    assert login_target(response) == page_url
    sign_in_again(client, approver, page_url)
    text = html.unescape(client.get(page_url).content.decode())
    assert KEPT in text and "The kitchen has no grease trap." in text
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


def test_what_is_kept_is_shown_only_to_whoever_may_see_the_page(
    as_user, citizen_a, citizen_b, draft
):
    # given: a shared computer; citizen A's session ends with their application unsent
    client = as_user(citizen_a)
    edit = en("cases:edit", case_id=draft.uuid)
    end_session(client)
    client.post(edit, {"shop_name": "A's private answer", "_action": "draft"})

    # when: citizen B signs in on the same browser and follows the same link
    sign_in_again(client, citizen_b, edit)
    response = client.get(edit)

    # then: B gets the same 404 as for any case not theirs, and the kept form is gone
    # once B opens any other page
    assert response.status_code == 404
    assert "A's private answer" not in response.content.decode()
    client.get(en("cases:mine"))
    assert kept_forms.SESSION_KEY not in client.session


def test_what_is_kept_is_sealed_in_the_session_table(as_user, citizen_a, draft):
    client = as_user(citizen_a)
    end_session(client)
    client.post(en("cases:edit", case_id=draft.uuid), {"shop_name": "Sealed shop name"})

    stored = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert "Sealed shop name" not in stored.session_data
    assert "Sealed shop name" not in str(stored.get_decoded())


def test_a_kept_form_older_than_an_hour_is_dropped(as_user, citizen_a, draft, monkeypatch):
    client = as_user(citizen_a)
    edit = en("cases:edit", case_id=draft.uuid)
    end_session(client)
    client.post(edit, {"shop_name": "Typed long ago"})
    later = time.time() + kept_forms.MAX_AGE + 60
    monkeypatch.setattr(kept_forms.time, "time", lambda: later)

    sign_in_again(client, citizen_a, edit)
    text = html.unescape(client.get(edit).content.decode())

    assert KEPT not in text and "Typed long ago" not in text


def test_a_form_without_a_kept_page_returns_to_where_it_was_sent_from(
    as_user, citizen_a, service_version
):
    # given: the withdraw confirmation (nothing typed), sent after the session ended
    case = submitted_case(citizen_a, service_version)
    client = as_user(citizen_a)
    page = en("cases:withdraw", case_id=case.uuid)
    end_session(client)

    # when
    response = client.post(page, HTTP_REFERER=f"http://testserver{page}")

    # then: they come back to that page after signing in, told nothing was received,
    # and the case is not withdrawn
    assert login_target(response) == page
    text = html.unescape(client.get(response["Location"]).content.decode())
    assert "what you sent has not been received. Sign in again to carry on." in text
    case.refresh_from_db()
    assert case.state == State.SUBMITTED


def test_a_referer_from_another_site_is_not_followed(as_user, citizen_a, service_version):
    case = submitted_case(citizen_a, service_version)
    client = as_user(citizen_a)
    end_session(client)

    response = client.post(
        en("cases:withdraw", case_id=case.uuid), HTTP_REFERER="https://evil.example/phish"
    )

    assert login_target(response) == en("cases:withdraw", case_id=case.uuid)


def test_passwords_and_the_form_token_are_never_kept(rf, citizen_a):
    request = rf.post(
        "/x/",
        {
            "csrfmiddlewaretoken": "t0ken",
            "new_password": "hunter2",
            "response": "kept",
        },
    )
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # the page's banner (kept_forms.take)
    assert kept_forms.keep(request, "/x/") == (True, False)
    request.path = "/x/"
    data = kept_forms.take(request, "/x/")
    assert data is not None
    assert dict(data.lists()) == {"response": ["kept"]}


def test_a_plan_typed_past_the_session_comes_back_on_its_own_form(as_user, agency_admin, agency):
    # given: an agency administrator writing a plan's vision when their session ends
    client = as_user(agency_admin)
    new_plan = f"/en/performance/plans/agency/{agency.code}/new/"
    assert client.get(new_plan).status_code == 200
    end_session(client)

    # when: they send the form
    response = client.post(
        new_plan, {"title_th": "แผนพัฒนาท้องถิ่น", "vision_en": "Clean water for every home."}
    )

    # then: back on the same form after signing in, with what they typed, and no plan made
    assert login_target(response) == new_plan
    sign_in_again(client, agency_admin, new_plan)
    text = html.unescape(client.get(new_plan).content.decode())
    assert KEPT in text
    assert "แผนพัฒนาท้องถิ่น" in text and "Clean water for every home." in text
    assert not Plan.objects.exists()


def test_one_address_has_only_a_few_forms_kept_a_minute(as_user, citizen_a, draft):
    # given: forms sent without a session from one address, as a script would send them
    edit = en("cases:edit", case_id=draft.uuid)
    limit = int(settings.ACCOUNT_RATE_LIMITS[kept_forms.RATE_LIMIT].split("/")[0])

    def send(address: str, typed: str) -> tuple[Client, str]:
        client = Client(REMOTE_ADDR=address)
        response = client.post(edit, {"shop_name": typed})
        return client, html.unescape(client.get(response["Location"]).content.decode())

    for n in range(limit):
        client, page = send("203.0.113.7", f"Shop {n}")
        assert SIGN_IN_AGAIN in page
    sessions = Session.objects.count()

    # when: one more comes from the same address, and one from another
    _, refused = send("203.0.113.7", "One too many")
    client, other = send("198.51.100.2", "From elsewhere")

    # then: the first is not kept (no session written; the page says so), the other is
    assert SIGN_IN_AGAIN not in refused and "Sign in again to carry on" in refused
    assert SIGN_IN_AGAIN in other
    assert Session.objects.count() == sessions + 1
    # and the person kept out still signs in and comes back to the form, empty
    client = Client(REMOTE_ADDR="203.0.113.7")
    target = login_target(client.post(edit, {"shop_name": "Still refused"}))
    assert target == edit
    sign_in_again(client, citizen_a, target)
    text = html.unescape(client.get(edit).content.decode())
    assert KEPT not in text and "Still refused" not in text
