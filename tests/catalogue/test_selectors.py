"""Reading the catalogue: search in Thai and English, groups, time in practice."""

from __future__ import annotations

from django.utils import translation

from goodgov.catalogue import selectors
from goodgov.catalogue.models import Service


def codes(services) -> list[str]:
    return [s.code for s in services]


def test_search_finds_a_service_by_a_thai_word_in_its_name(loaded):
    assert codes(selectors.search("เบี้ยยังชีพ")) == ["elderly-allowance"]


def test_search_finds_by_an_english_word_ignoring_case(loaded):
    assert codes(selectors.search("BUILDING")) == ["building-permit"]
    assert codes(selectors.search("food shop")) == ["food-shop-permit"]


def test_search_finds_a_service_by_the_words_people_use_for_it(loaded):
    # the licence is for a "place that sells food"; people ask for a restaurant
    assert codes(selectors.search("ร้านอาหาร")) == ["food-shop-permit"]
    assert codes(selectors.search("restaurant")) == ["food-shop-permit"]
    assert codes(selectors.search("ใบอนุญาต ร้านอาหาร")) == ["food-shop-permit"]


def test_search_ranks_name_matches_before_summary_matches(loaded):
    # "ทะเบียนบ้าน" is in the residence certificate's name and in the summary of the allowance
    assert codes(selectors.search("ทะเบียนบ้าน")) == ["residence-certificate", "elderly-allowance"]


def test_search_matches_life_events_by_name_and_code(loaded):
    with translation.override("en"):
        assert codes(selectors.search("older age")) == ["elderly-allowance"]
    assert codes(selectors.search("housing")) == ["building-permit"]


def test_search_needs_every_word_and_ignores_blank_queries(loaded):
    assert codes(selectors.search("permit cooking")) == []
    assert selectors.search("   ") == []


def test_inactive_services_are_not_offered(loaded):
    # given
    Service.objects.filter(code="food-shop-permit").update(active=False)

    # then
    assert codes(selectors.search("food")) == []
    assert selectors.service_detail("food-shop-permit") is None
    assert "food-shop-permit" not in codes(selectors.active_services())


def test_services_grouped_by_life_event_and_by_agency(loaded):
    # when
    with translation.override("en"):
        events = [(g.code, g.label, codes(g.services)) for g in selectors.by_life_event()]
        agencies = [(g.agency.code, codes(g.services)) for g in selectors.by_agency()]

    # then
    assert events == [
        ("business", "Running a business", ["food-shop-permit"]),
        ("housing", "Housing and building", ["building-permit"]),
        ("old-age", "Older age", ["elderly-allowance"]),
        (
            "documents",
            "Documents and certificates",
            ["pdpa-correction", "pdpa-erasure", "residence-certificate"],
        ),
    ]
    assert agencies == [
        ("TBNK", ["food-shop-permit", "building-permit", "elderly-allowance"]),
        ("DDG", ["pdpa-correction", "pdpa-erasure", "residence-certificate"]),
    ]


def test_time_in_practice_is_none_before_any_decision(loaded, decided_case):
    # given
    service = Service.objects.get(code="food-shop-permit")
    decided_case(service, days=None, state="in_review")
    decided_case(service, days=3, state="withdrawn")

    # then
    assert selectors.processing_time_in_practice(service) is None


def test_time_in_practice_is_the_median_of_decided_cases(loaded, decided_case):
    # given
    service = Service.objects.get(code="food-shop-permit")
    other = Service.objects.get(code="building-permit")
    decided_case(service, days=2)
    decided_case(service, days=4.5, state="rejected")
    decided_case(service, days=10)
    decided_case(service, days=None, state="submitted")
    decided_case(other, days=40)

    # then
    assert selectors.processing_time_in_practice(service) == {"median_days": 4.5, "count": 3}
    assert selectors.processing_time_in_practice(other) == {"median_days": 40.0, "count": 1}
