"""Search finds an agency's services by the agency's name (Thai or English) or code."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from goodgov.agencies.models import Agency
from goodgov.catalogue import selectors

BAN_NA = ["building-permit", "food-shop-permit", "elderly-allowance"]  # by Thai name
DDG = ["residence-certificate", "pdpa-correction", "pdpa-erasure"]  # by Thai name


def result_codes(client: Any, url: str) -> list[str]:
    """The services the search page lists, in order, from their links."""
    page = client.get(url).content.decode()
    results = page.split('data-testid="results"', 1)
    if len(results) < 2:
        return []
    listing = results[1].split("</ul>", 1)[0]
    return re.findall(r'href="(?:/en)?/services/([a-z0-9-]+)/"', listing)


def test_searching_a_thai_agency_name_lists_its_services(loaded: Any, client: Any) -> None:
    # when
    ban_na = result_codes(client, "/?q=" + quote("เทศบาลตำบลบ้านนา"))
    ddg = result_codes(client, "/?q=" + quote("กรมบริการประชาชน"))

    # then
    assert ban_na == BAN_NA
    assert ddg == DDG


def test_searching_an_english_agency_name_lists_its_services(loaded: Any, client: Any) -> None:
    # when
    found = result_codes(client, "/en/?q=Ban+Na")

    # then
    assert sorted(found) == sorted(BAN_NA)


def test_searching_an_agency_code_lists_its_services(loaded: Any) -> None:
    # when
    found = [s.code for s in selectors.search("ddg")]

    # then
    assert found == DDG


def test_a_word_of_the_service_and_the_agency_name_together_narrow_the_search(
    loaded: Any,
) -> None:
    # when: "restaurant" in Thai, at Ban Na
    found = [s.code for s in selectors.search("ร้านอาหาร เทศบาลตำบลบ้านนา")]

    # then
    assert found == ["food-shop-permit"]


def test_services_named_by_the_query_come_before_those_found_by_their_agency(
    loaded: Any,
) -> None:
    # given: an agency whose English name has a word that also names a service
    Agency.objects.filter(code="DDG").update(name_en="Department of Building Control")

    # when
    with translation.override("en"):
        found = [s.code for s in selectors.search("building")]

    # then: the building permit (its name), then the department's services by name
    assert found == ["building-permit", "pdpa-correction", "pdpa-erasure", "residence-certificate"]


def test_an_agency_search_is_one_database_query(loaded: Any) -> None:
    # when
    with CaptureQueriesContext(connection) as queries:
        found = [s.code for s in selectors.search("Ban Na")]
        agencies = {s.agency.code for s in selectors.search("Ban Na")}

    # then: the agency came with each service, not one query per service
    assert sorted(found) == sorted(BAN_NA)
    assert agencies == {"TBNK"}
    assert len(queries) == 2  # one per search
