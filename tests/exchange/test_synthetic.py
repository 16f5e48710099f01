"""Synthetic people: valid IDs, households, reproducible, and fast enough for a million."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from stdnum.th import pin

from goodgov.core import national_id
from goodgov.exchange import synthetic
from goodgov.exchange.models import RegistryPerson, WelfareRecord


def test_every_national_id_is_valid_and_unique() -> None:
    # when
    ids = synthetic.national_ids(20_000)

    # then
    assert len(set(ids)) == 20_000
    assert all(pin.is_valid(i) for i in ids)
    assert {i[0] for i in ids} <= {"1", "3"}


def test_a_seed_gives_the_same_people_and_a_longer_run_extends_a_shorter_one() -> None:
    # when
    short = synthetic.national_ids(100)
    long = synthetic.national_ids(300)
    other = synthetic.national_ids(100, seed=1)

    # then
    assert long[:100] == short
    assert other != short


def test_household_members_share_a_house_code_and_address() -> None:
    # given
    houses: dict[str, set[tuple[str, str, str]]] = defaultdict(set)

    # when
    for person in synthetic.people(500):
        houses[person.household_id].add((person.address_line, person.subdistrict, person.postcode))

    # then
    assert len(houses) < 500  # some households have several members
    assert all(len(addresses) == 1 for addresses in houses.values())


def test_generate_writes_encrypted_ids_and_a_second_run_adds_nothing(db: Any) -> None:
    # given
    started = time.perf_counter()

    # when
    first = synthetic.generate(count=1000)
    elapsed = time.perf_counter() - started
    second = synthetic.generate(count=1000)

    # then
    assert first["people"] == 1000 and first["welfare"] > 0
    assert second == {"people": 0, "welfare": 0}
    assert RegistryPerson.objects.count() == 1000
    row = RegistryPerson.objects.order_by("id").first()
    assert row is not None
    digits = synthetic.national_ids(1)[0]
    assert digits not in row.national_id_encrypted
    assert row.national_id == digits
    assert row.national_id_hash == national_id.lookup_hash(digits)
    assert elapsed < 10  # about 0.2 s on a laptop; a million take a few minutes


def test_elderly_allowance_goes_only_to_living_people_of_sixty_or_more(db: Any) -> None:
    # given
    synthetic.generate(count=2000)
    people = {p.national_id_hash: p for p in RegistryPerson.objects.all()}

    # when
    elderly = WelfareRecord.objects.filter(programme="elderly-allowance")

    # then
    assert elderly.exists()
    for record in elderly:
        person = people[record.national_id_hash]
        assert not person.dead
        assert synthetic.age_on(person.birth_date, synthetic.REFERENCE_DAY) >= 60
