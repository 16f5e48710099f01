"""The public catalogue API: list and detail, no sign-in needed."""

from __future__ import annotations

from django.test import Client

from goodgov.catalogue.models import Service
from tests.catalogue.conftest import CODES


def test_the_list_gives_every_published_service(loaded):
    # when
    response = Client().get("/api/v1/services")

    # then
    assert response.status_code == 200
    body = response.json()
    assert [s["code"] for s in body] == CODES
    food = next(s for s in body if s["code"] == "food-shop-permit")
    service = Service.objects.get(code="food-shop-permit")
    assert {k: v for k, v in food.items() if k != "published_at"} == {
        "code": "food-shop-permit",
        "agency": "TBNK",
        "name": {
            "th": "ขออนุญาตหรือแจ้งจัดตั้งสถานที่จำหน่ายอาหาร",
            "en": "Licence or notification for a food shop",
        },
        "summary": service.current.definition["summary"],
        "life_events": ["business"],
        "version": 1,
        "digest": service.current.digest,
    }


def test_the_detail_gives_the_definition_and_time_in_practice(loaded, decided_case):
    # given
    service = Service.objects.get(code="residence-certificate")
    decided_case(service, days=1)

    # when
    response = Client().get("/api/v1/services/residence-certificate")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["definition"] == service.current.definition
    assert body["in_practice"] == {"median_days": 1.0, "count": 1}
    assert body["version"] == 1
    assert body["agency"] == "DDG"


def test_an_unknown_or_inactive_service_is_404(loaded):
    # given
    Service.objects.filter(code="building-permit").update(active=False)

    # then
    for code in ("nope", "building-permit"):
        for language, detail in (
            ("en", "No published service has this code."),
            ("th", "ไม่พบบริการที่เผยแพร่แล้วซึ่งมีรหัสนี้"),
        ):
            response = Client().get(
                f"/api/v1/services/{code}", headers={"accept-language": language}
            )
            assert response.status_code == 404
            assert response.json() == {"detail": detail}
