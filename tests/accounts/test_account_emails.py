"""The emails allauth sends are ours: in the language of the page the person used, in our
words, naming the platform; and sign-in and sign-up errors say which field and what to do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import allauth
import pytest
from allauth.utils import get_form_class
from django.conf import settings as django_settings
from django.core import mail
from django.template.loader import get_template
from django.test import Client

from goodgov.accounts.models import User
from goodgov.accounts.services import user_register
from tests.accounts.helpers import PASSWORD, en

NEW_PASSWORD = "a brand new passphrase"
OURS = Path(__file__).resolve().parents[2] / "src" / "goodgov" / "accounts" / "templates"
ALLAUTH = Path(allauth.__file__).resolve().parent / "templates"
THAI = re.compile("[\u0e00-\u0e7f]")
# Three or more Latin words in a row: an English sentence left in a Thai email.
LATIN_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z']+(?:[ \t,.;:!?()\-]+[A-Za-z']+){2,}(?![A-Za-z])")
LINK = re.compile(r"https?://\S+")


def _prose(text: str) -> str:
    """The text without its links and email addresses."""
    return re.sub(r"\S+@\S+", "", LINK.sub("", text))


def _reset_link(body: str) -> str:
    links = [link for link in LINK.findall(body) if "/password/reset/key/" in link]
    assert len(links) == 1
    return links[0]


def _summary(response: Any) -> list[tuple[str, str]]:
    return re.findall(r'<li><a href="(#id_\w+)">([^<]*)</a></li>', response.content.decode())


def _choose_password(client: Client, link: str) -> Any:
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


# --- Password reset -------------------------------------------------------------------


def test_the_thai_password_reset_email_is_thai_and_names_the_platform(
    client: Client, citizen_b: User
) -> None:
    # when
    response = client.post("/accounts/password/reset/", {"email": "malee@example.test"})

    # then
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["malee@example.test"]
    assert message.subject == "ตั้งรหัสผ่านใหม่ \u2013 บริการภาครัฐ goodgov"
    link = _reset_link(message.body)
    assert link.startswith("http://testserver/accounts/password/reset/key/")
    assert message.body == (
        "ระบบได้รับคำขอตั้งรหัสผ่านใหม่สำหรับบัญชีผู้ใช้ของท่านในบริการภาครัฐ goodgov\n"
        "\n"
        "กรุณาเปิดลิงก์นี้เพื่อตั้งรหัสผ่านใหม่\n"
        f"{link}\n"
        "\n"
        "ลิงก์นี้ใช้ได้ครั้งเดียว ภายใน 3 วัน\n"
        "\n"
        "หากท่านไม่ได้ส่งคำขอนี้ ท่านสามารถละเว้นอีเมลฉบับนี้ได้ รหัสผ่านของท่านจะไม่เปลี่ยนแปลง\n"
        "\n"
        "บริการภาครัฐ goodgov\n"
        "http://testserver/"
    )
    assert LATIN_RUN.findall(_prose(message.body)) == []
    assert LATIN_RUN.findall(message.subject) == []
    assert "testserver" not in _prose(message.body) + message.subject


def test_the_link_in_the_thai_password_reset_email_sets_a_new_password(
    client: Client, citizen_b: User
) -> None:
    # given
    client.post("/accounts/password/reset/", {"email": "malee@example.test"})
    link = _reset_link(mail.outbox[0].body)

    # when
    response = _choose_password(client, link)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    citizen_b.refresh_from_db()
    assert citizen_b.check_password(NEW_PASSWORD)
    assert not citizen_b.check_password(PASSWORD)


def test_the_password_reset_link_works_only_once(client: Client, citizen_b: User) -> None:
    # given
    client.post("/accounts/password/reset/", {"email": "malee@example.test"})
    link = _reset_link(mail.outbox[0].body)
    _choose_password(client, link)

    # when
    response = Client().get(link, follow=True)

    # then
    assert response.status_code == 200
    assert "ลิงก์นี้ใช้ไม่ได้" in response.content.decode()
    citizen_b.refresh_from_db()
    assert citizen_b.check_password(NEW_PASSWORD)


def test_the_english_password_reset_email_is_english(client: Client, citizen_b: User) -> None:
    # when
    response = client.post(en("account_reset_password"), {"email": "malee@example.test"})

    # then
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.subject == "Choose a new password \u2013 goodgov public services"
    link = _reset_link(message.body)
    assert link.startswith("http://testserver/en/accounts/password/reset/key/")
    assert message.body == (
        "We received a request to choose a new password for your account on goodgov "
        "public services.\n"
        "\n"
        "To choose a new password, open this link:\n"
        f"{link}\n"
        "\n"
        "The link works once, for 3 days.\n"
        "\n"
        "If you did not ask for this, you can ignore this email. Your password will not "
        "change.\n"
        "\n"
        "goodgov public services\n"
        "http://testserver/en/"
    )
    assert THAI.findall(message.subject + message.body) == []


def test_the_english_reset_link_sets_the_password_on_the_english_site(
    client: Client, citizen_b: User
) -> None:
    # given
    client.post(en("account_reset_password"), {"email": "malee@example.test"})
    link = _reset_link(mail.outbox[0].body)

    # when
    response = _choose_password(client, link)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password/reset/key/done/"
    citizen_b.refresh_from_db()
    assert citizen_b.check_password(NEW_PASSWORD)


def test_a_new_officer_without_a_password_gets_the_link_and_sets_one(
    client: Client, db: Any
) -> None:
    # given: an account an agency made (agencies.services.officer_add), with no password
    officer = user_register(
        full_name="นางสาวเจ้าหน้าที่ ใหม่",
        email="new.officer@example.test",
        password=None,
        channel="agency",
    )
    assert not officer.has_usable_password()

    # when
    client.post("/accounts/password/reset/", {"email": "new.officer@example.test"})
    response = _choose_password(client, _reset_link(mail.outbox[0].body))

    # then
    assert mail.outbox[0].subject == "ตั้งรหัสผ่านใหม่ \u2013 บริการภาครัฐ goodgov"
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_an_address_with_no_account_is_told_so_in_thai(client: Client, db: Any) -> None:
    # when
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})

    # then: the page says the same as for a real account; the email tells the truth
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.to == ["nobody@example.test"]
    assert message.subject == "ไม่พบบัญชีผู้ใช้ที่ใช้อีเมลนี้ \u2013 บริการภาครัฐ goodgov"
    assert message.body == (
        "มีผู้พยายามใช้อีเมล nobody@example.test เพื่อเข้าสู่ระบบหรือตั้งรหัสผ่านใหม่ใน"
        "บริการภาครัฐ goodgov แต่ไม่พบบัญชีผู้ใช้ที่ใช้อีเมลนี้\n"
        "\n"
        "หากเป็นท่าน ท่านอาจสร้างบัญชีผู้ใช้ไว้ด้วยอีเมลอื่นหรือด้วยหมายเลขโทรศัพท์มือถือ "
        "หากต้องการสร้างบัญชีผู้ใช้ กรุณาเปิดลิงก์นี้\n"
        "http://testserver/accounts/signup/\n"
        "\n"
        "หากท่านไม่ได้ดำเนินการดังกล่าว ท่านสามารถละเว้นอีเมลฉบับนี้ได้\n"
        "\n"
        "บริการภาครัฐ goodgov\n"
        "http://testserver/"
    )
    assert LATIN_RUN.findall(_prose(message.body)) == []


# --- Notices of changes (off unless ACCOUNT_EMAIL_NOTIFICATIONS is set) ------------------


def test_no_notice_is_emailed_when_a_password_is_changed_by_default(
    client: Client, citizen_b: User
) -> None:
    # given
    client.post("/accounts/login/", {"login": "malee@example.test", "password": PASSWORD})

    # when
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # then
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_password_change_notice_is_thai_with_a_buddhist_era_date(
    client: Client, citizen_b: User, settings: Any
) -> None:
    # given
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.post("/accounts/login/", {"login": "malee@example.test", "password": PASSWORD})

    # when
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_USER_AGENT="Firefox",
    )

    # then
    message = mail.outbox[0]
    assert message.subject == "แจ้งการเปลี่ยนรหัสผ่าน \u2013 บริการภาครัฐ goodgov"
    lines = message.body.splitlines()
    assert lines[:10] == [
        "ขอแจ้งให้ท่านทราบว่ามีการเปลี่ยนแปลงบัญชีผู้ใช้ของท่านในบริการภาครัฐ goodgov ดังนี้",
        "",
        "มีการเปลี่ยนรหัสผ่านของท่าน",
        "",
        "หากท่านไม่ได้เป็นผู้ดำเนินการ กรุณาตั้งรหัสผ่านใหม่ทันทีที่ลิงก์นี้",
        "http://testserver/accounts/password/reset/",
        "",
        "แหล่งที่มาของการเปลี่ยนแปลง",
        "หมายเลขไอพี: 127.0.0.1",
        "เบราว์เซอร์: Firefox",
    ]
    assert re.fullmatch(r"วันและเวลา: .*25\d\d.*", lines[10])
    assert lines[11:] == ["", "บริการภาครัฐ goodgov", "http://testserver/"]
    assert LATIN_RUN.findall(_prose(message.body)) == []


# --- Every email allauth can send has our template --------------------------------------


@pytest.mark.parametrize(
    "name",
    sorted(
        str(path.relative_to(ALLAUTH))
        for folder in ("account/email", "mfa/email")
        for path in (ALLAUTH / folder).glob("*.txt")
    ),
)
def test_every_allauth_email_template_is_ours(name: str) -> None:
    # when
    template = get_template(name)

    # then
    assert Path(template.origin.name) == OURS / name


# --- Sign-in and sign-up errors say which field and what to do ----------------------------


def test_an_empty_thai_sign_in_names_each_missing_field(client: Client, db: Any) -> None:
    # when
    response = client.post("/accounts/login/", {"login": "", "password": ""})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_login">กรุณากรอกอีเมลหรือหมายเลขโทรศัพท์มือถือ</a>' in html
    assert '<a href="#id_password">กรุณากรอกรหัสผ่าน</a>' in html
    assert (
        '<p class="govuk-error-message" id="id_login_error"><span class="govuk-visually-hidden">'
        "ข้อผิดพลาด:</span> กรุณากรอกอีเมลหรือหมายเลขโทรศัพท์มือถือ</p>"
    ) in html
    assert "ฟิลด์นี้จำเป็น" not in html
    assert "This field is required" not in html


def test_an_empty_english_sign_in_names_each_missing_field(client: Client, db: Any) -> None:
    # when
    response = client.post(en("account_login"), {"login": "", "password": ""})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_login">Enter your email address or mobile phone number</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert (
        '<p class="govuk-error-message" id="id_password_error"><span class="govuk-visually-hidden">'
        "Error:</span> Enter your password</p>"
    ) in html
    assert "This field is required" not in html


def test_an_empty_thai_sign_up_names_each_missing_field(client: Client, db: Any) -> None:
    # when
    response = client.post("/accounts/signup/", {})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _summary(response) == [
        ("#id_full_name", "กรุณากรอกชื่อและนามสกุล"),
        ("#id_email", "กรุณากรอกอีเมลหรือหมายเลขโทรศัพท์มือถือ"),
        ("#id_password1", "กรุณาตั้งรหัสผ่าน"),
        ("#id_password2", "กรุณากรอกรหัสผ่านอีกครั้ง"),
    ]
    assert "ฟิลด์นี้จำเป็น" not in html


def test_an_empty_english_sign_up_names_each_missing_field(client: Client, db: Any) -> None:
    # when
    response = client.post(en("account_signup"), {})

    # then
    assert _summary(response) == [
        ("#id_full_name", "Enter your full name"),
        ("#id_email", "Enter an email address or a mobile phone number"),
        ("#id_password1", "Enter a password"),
        ("#id_password2", "Enter the password again"),
    ]


def test_sign_up_says_how_to_fix_a_bad_email_a_long_name_and_different_passwords(
    client: Client, db: Any
) -> None:
    # when
    response = client.post(
        en("account_signup"),
        {
            "full_name": "ก" * 201,
            "email": "not an address",
            "password1": "a long enough passphrase",
            "password2": "another long passphrase",
        },
    )

    # then
    assert _summary(response) == [
        ("#id_full_name", "Full name must be 200 characters or fewer"),
        ("#id_email", "Enter an email address in the correct format, like name@example.com"),
        ("#id_password2", "The passwords do not match. Type the same password in both boxes."),
    ]
    assert User.objects.count() == 0


# --- The password pages: the same kind of messages ------------------------------------

OUR_FORMS = {
    "login": "goodgov.accounts.forms.LoginForm",
    "signup": "goodgov.accounts.forms.SignupForm",
    "reset_password": "goodgov.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "goodgov.accounts.forms.ResetPasswordKeyForm",
    "change_password": "goodgov.accounts.forms.ChangePasswordForm",
    "set_password": "goodgov.accounts.forms.SetPasswordForm",
}


@pytest.fixture
def _password_forms(settings: Any) -> None:
    # What settings.ACCOUNT_FORMS holds (test_allauth_uses_our_forms_for_every_password_page)
    settings.ACCOUNT_FORMS = OUR_FORMS


def test_allauth_uses_our_forms_for_every_password_page() -> None:
    # when
    forms = {name: get_form_class(django_settings.ACCOUNT_FORMS, name, None) for name in OUR_FORMS}

    # then
    assert {
        name: f"{form.__module__}.{form.__name__}" if form else None for name, form in forms.items()
    } == OUR_FORMS


@pytest.mark.usefixtures("_password_forms")
def test_an_empty_or_bad_address_on_the_reset_page_says_what_to_type(
    client: Client, db: Any
) -> None:
    # when
    empty_th = client.post("/accounts/password/reset/", {"email": ""})
    empty_en = client.post(en("account_reset_password"), {"email": ""})
    bad_en = client.post(en("account_reset_password"), {"email": "not an address"})

    # then
    assert _summary(empty_th) == [("#id_email", "กรุณากรอกอีเมล")]
    assert _summary(empty_en) == [("#id_email", "Enter your email address")]
    assert _summary(bad_en) == [
        ("#id_email", "Enter an email address in the correct format, like name@example.com")
    ]
    assert mail.outbox == []


@pytest.mark.usefixtures("_password_forms")
def test_the_new_password_page_says_what_to_fix(client: Client, citizen_b: User) -> None:
    # given
    client.post(en("account_reset_password"), {"email": "malee@example.test"})
    page = client.get(_reset_link(mail.outbox[0].body), follow=True)
    form_url = page.redirect_chain[-1][0]

    # when
    empty = client.post(form_url, {"password1": "", "password2": ""})
    different = client.post(form_url, {"password1": NEW_PASSWORD, "password2": "something else"})

    # then
    assert _summary(empty) == [
        ("#id_password1", "Enter a new password"),
        ("#id_password2", "Enter the password again"),
    ]
    assert _summary(different) == [
        ("#id_password2", "The passwords do not match. Type the same password in both boxes.")
    ]
    citizen_b.refresh_from_db()
    assert citizen_b.check_password(PASSWORD)


@pytest.mark.usefixtures("_password_forms")
def test_the_thai_change_password_page_names_each_missing_field(
    client: Client, citizen_b: User
) -> None:
    # given
    client.post("/accounts/login/", {"login": "malee@example.test", "password": PASSWORD})

    # when
    response = client.post(
        "/accounts/password/change/", {"oldpassword": "", "password1": "", "password2": ""}
    )

    # then
    assert _summary(response) == [
        ("#id_oldpassword", "กรุณากรอกรหัสผ่านปัจจุบัน"),
        ("#id_password1", "กรุณาตั้งรหัสผ่านใหม่"),
        ("#id_password2", "กรุณากรอกรหัสผ่านอีกครั้ง"),
    ]
    assert "ฟิลด์นี้จำเป็น" not in response.content.decode()


def test_in_production_emailed_links_are_on_the_configured_address_whatever_the_host(
    client: Client, citizen_b: User, settings: Any
) -> None:
    """A stranger asking for someone's password reset through a host of their own (one a
    wildcard in ``ALLOWED_HOSTS`` lets through) must not get a link, token and all, that
    leads to them: in production links go out on ``GOODGOV_BASE_URL``."""
    # given: a platform on portal.gov.example, any of whose subdomains is allowed
    settings.PRODUCTION = True
    settings.ALLOWED_HOSTS = [".gov.example"]
    settings.BASE_URL = "https://portal.gov.example"

    # when
    client.post(
        "/accounts/password/reset/",
        {"email": "malee@example.test"},
        HTTP_HOST="attacker.gov.example",
    )

    # then
    [message] = mail.outbox
    link = _reset_link(message.body)
    assert link.startswith("https://portal.gov.example/accounts/password/reset/key/")
    assert "attacker" not in message.body
    # and the key still works there
    form_page = Client(HTTP_HOST="portal.gov.example").get(urlsplit(link).path, follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()  # the key is good, not refused
