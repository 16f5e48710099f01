"""Synthetic people for the demo registries: fictional, but shaped like the real thing.

Households of one to six people share a house code and an address by official codes
(Nakhon Nayok and Bangkok subdistricts, half of them in Ban Na, where the demo
municipality is); each person has a valid national ID (check digit as ``stdnum.th.pin``
computes it). The same seed gives the same people in the same order, and the first N of
a larger run are the N of a smaller one, so a second run adds only what is new (the IDs
are unique, and rows whose ID exists are skipped).

Speed: people are built in memory and written with ``bulk_create`` in batches, each in
its own transaction; a million take a few minutes on SQLite (see docs/exchange.md).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import geothai
from django.db import transaction
from stdnum.th import pin

from goodgov.core import national_id
from goodgov.exchange.models import RegistryPerson, WelfareRecord
from goodgov.exchange.registries import age_on

# Ages are computed against a fixed day, so a seed gives the same people on any day.
REFERENCE_DAY = dt.date(2025, 1, 1)
BAN_NA = "260301"
ID_STRIDE = 7919  # a prime, coprime with 10**7: index -> 7 ID digits is one-to-one

MALE = [
    ("สมชาย", "Somchai"),
    ("สมศักดิ์", "Somsak"),
    ("ประเสริฐ", "Prasoet"),
    ("วิชัย", "Wichai"),
    ("สุรชัย", "Surachai"),
    ("ธนากร", "Thanakorn"),
    ("ณัฐพล", "Natthaphon"),
    ("กิตติศักดิ์", "Kittisak"),
    ("อนุชา", "Anucha"),
    ("ปิยะ", "Piya"),
    ("บุญมา", "Bunma"),
    ("ทองดี", "Thongdi"),
    ("ชัยวัฒน์", "Chaiwat"),
    ("ธีรวัฒน์", "Thirawat"),
    ("พงศกร", "Phongsakon"),
    ("วีระ", "Wira"),
    ("สุเทพ", "Suthep"),
    ("เกรียงไกร", "Kriangkrai"),
    ("ภูมิ", "Phum"),
    ("กฤษณะ", "Kritsana"),
]
FEMALE = [
    ("สมหญิง", "Somying"),
    ("มาลี", "Mali"),
    ("สุดา", "Suda"),
    ("วันเพ็ญ", "Wanphen"),
    ("นภา", "Napha"),
    ("อรุณี", "Aruni"),
    ("กาญจนา", "Kanchana"),
    ("ศิริพร", "Siriphon"),
    ("ปราณี", "Prani"),
    ("บุญเรือน", "Bunruean"),
    ("ทองใบ", "Thongbai"),
    ("จันทร์เพ็ญ", "Chanphen"),
    ("พิมพ์ชนก", "Phimchanok"),
    ("ณัฐธิดา", "Natthida"),
    ("สุภาพร", "Suphaphon"),
    ("รัตนา", "Rattana"),
    ("อัญชลี", "Anchali"),
    ("วิไลวรรณ", "Wilaiwan"),
    ("ลำดวน", "Lamduan"),
    ("ขวัญใจ", "Khwanchai"),
]
FAMILY = [
    ("ใจดี", "Chaidi"),
    ("รักไทย", "Rakthai"),
    ("ศรีสุข", "Sisuk"),
    ("บุญมี", "Bunmi"),
    ("แก้วมณี", "Kaewmani"),
    ("สุขสวัสดิ์", "Suksawat"),
    ("ทองคำ", "Thongkham"),
    ("มั่นคง", "Mankhong"),
    ("พรหมมา", "Phromma"),
    ("จันทร์หอม", "Chanhom"),
    ("ศรีวงศ์", "Siwong"),
    ("นาคสวัสดิ์", "Naksawat"),
    ("วงศ์ใหญ่", "Wongyai"),
    ("เพชรรัตน์", "Phetcharat"),
    ("สายทอง", "Saithong"),
    ("บ้านนา", "Banna"),
    ("ดีมาก", "Dimak"),
    ("ชัยมงคล", "Chaimongkhon"),
    ("อินทร์แก้ว", "Inkaew"),
    ("ประเสริฐสุข", "Prasoetsuk"),
    ("ทองมา", "Thongma"),
    ("สมบูรณ์", "Sombun"),
    ("เจริญผล", "Charoenphon"),
    ("นิลวงศ์", "Ninlawong"),
]


@dataclass(frozen=True)
class Person:
    national_id: str
    given_th: str
    family_th: str
    given_en: str
    family_en: str
    birth_date: dt.date
    sex: str
    address_line: str
    subdistrict: str
    district: str
    province: str
    postcode: str
    household_id: str
    household_role: str
    dead: bool
    death_date: dt.date | None


def _subdistricts() -> list[geothai.types.Subdistrict]:
    found = []
    for province in ("26", "10"):
        for district in geothai.districts(province):
            found.extend(geothai.subdistricts(district.code))
    return found


def _national_id(index: int, district: str, born: dt.date) -> str:
    """Type digit (1: born from 1984, 3: registered in 1984), the registering district's
    four digits, seven digits unique to ``index``, and the check digit."""
    kind = "1" if born.year >= 1984 else "3"
    unique = (index * ID_STRIDE + 1234567) % 10**7
    first12 = f"{kind}{district}{unique:07d}"
    return first12 + pin.calc_check_digit(first12)


def _birth(rng: random.Random, low: int, high: int) -> dt.date:
    age_days = rng.randint(low * 365 + 1, high * 365 + 300)
    return REFERENCE_DAY - dt.timedelta(days=age_days)


def people(count: int, *, seed: int = 2568) -> Iterator[Person]:
    """The first ``count`` people of the seed's population, household by household."""
    rng = random.Random(seed)  # noqa: S311 -- synthetic data, reproducible by seed
    areas = _subdistricts()
    ban_na = next(a for a in areas if a.code == BAN_NA)
    index = 0
    house = 0
    while index < count:
        area = ban_na if rng.random() < 0.5 else rng.choice(areas)
        house += 1
        house_code = f"{area.district_code}{house:06d}{house * 7 % 10}"
        line = f"{rng.randint(1, 299)}/{rng.randint(1, 40)} หมู่ที่ {rng.randint(1, 12)}"
        family_th, family_en = rng.choice(FAMILY)
        size = rng.choices([1, 2, 3, 4, 5, 6], weights=[14, 26, 24, 20, 10, 6])[0]
        head_age = rng.randint(25, 80)
        roles = ["head", "spouse", "child", "child", "parent", "child"][:size]
        for role in roles:
            if index >= count:
                break
            if role == "head":
                born = _birth(rng, head_age, head_age)
            elif role == "spouse":
                age = max(20, head_age + rng.randint(-6, 6))
                born = _birth(rng, age, age)
            elif role == "child":
                born = _birth(rng, 0, max(0, min(head_age - 20, 40)))
            else:
                born = _birth(rng, min(head_age + 22, 98), min(head_age + 30, 100))
            sex = rng.choice("MF")
            given_th, given_en = rng.choice(MALE if sex == "M" else FEMALE)
            age = age_on(born, REFERENCE_DAY)
            dead = age >= 60 and rng.random() < 0.03
            death = REFERENCE_DAY - dt.timedelta(days=rng.randint(1, 1500)) if dead else None
            yield Person(
                national_id=_national_id(index, area.district_code, born),
                given_th=given_th,
                family_th=family_th,
                given_en=given_en,
                family_en=family_en,
                birth_date=born,
                sex=sex,
                address_line=line,
                subdistrict=area.code,
                district=area.district_code,
                province=area.province_code,
                postcode=area.postal_codes[0],
                household_id=house_code,
                household_role=role,
                dead=dead,
                death_date=death,
            )
            index += 1


def _welfare(person: Person, rng: random.Random) -> list[tuple[str, int, dt.date]]:
    """The programmes that pay this person: elderly allowance by age band, some others."""
    if person.dead:
        return []
    age = age_on(person.birth_date, REFERENCE_DAY)
    found = []
    if age >= 60 and rng.random() < 0.85:
        amount = 1000 if age >= 90 else 800 if age >= 80 else 700 if age >= 70 else 600
        since = person.birth_date + dt.timedelta(days=60 * 365 + 15)  # the month after turning 60
        found.append(("elderly-allowance", amount, since))
    if rng.random() < 0.02:
        since = REFERENCE_DAY - dt.timedelta(days=rng.randint(30, 3000))
        found.append(("disability-allowance", 1000, since))
    if age < 6 and rng.random() < 0.3:
        found.append(("child-support-grant", 600, person.birth_date + dt.timedelta(days=30)))
    return found


def _registry_row(person: Person) -> RegistryPerson:
    return RegistryPerson(
        national_id_encrypted=national_id.encrypt_text(person.national_id),
        national_id_hash=national_id.lookup_hash(person.national_id),
        given_name_th=person.given_th,
        family_name_th=person.family_th,
        given_name_en=person.given_en,
        family_name_en=person.family_en,
        birth_date=person.birth_date,
        sex=person.sex,
        address_line=person.address_line,
        subdistrict=person.subdistrict,
        district=person.district,
        province=person.province,
        postcode=person.postcode,
        household_id=person.household_id,
        household_role=person.household_role,
        dead=person.dead,
        death_date=person.death_date,
    )


def generate(
    *,
    count: int,
    seed: int = 2568,
    population: bool = True,
    welfare: bool = True,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the first ``count`` people into the registries; skip those already there.

    Returns how many registry and welfare rows were written.
    """
    written = {"people": 0, "welfare": 0}
    welfare_rng = random.Random(seed + 1)  # noqa: S311 -- synthetic data
    stream = people(count, seed=seed)
    done = 0
    while done < count:
        chunk = [p for _i, p in zip(range(batch), stream, strict=False)]
        if not chunk:
            break
        with transaction.atomic():
            if population:
                new = _not_yet_registered(chunk)
                RegistryPerson.objects.bulk_create(new, batch_size=1000)
                written["people"] += len(new)
            if welfare:
                rows = []
                for person in chunk:
                    for programme, amount, since in _welfare(person, welfare_rng):
                        rows.append((person.national_id, programme, amount, since))
                welfare_keys = {r[0]: national_id.lookup_hashes(r[0]) for r in rows}
                existing_pairs = set(
                    WelfareRecord.objects.filter(
                        national_id_hash__in={h for each in welfare_keys.values() for h in each}
                    ).values_list("national_id_hash", "programme")
                )
                new_welfare = []
                for digits, programme, amount, since in rows:
                    key = welfare_keys[digits][0]  # the current key's: the one stored
                    if any((h, programme) in existing_pairs for h in welfare_keys[digits]):
                        continue
                    new_welfare.append(
                        WelfareRecord(
                            national_id_encrypted=national_id.encrypt_text(digits),
                            national_id_hash=key,
                            programme=programme,
                            monthly_amount=amount,
                            since=since,
                        )
                    )
                WelfareRecord.objects.bulk_create(new_welfare, batch_size=1000)
                written["welfare"] += len(new_welfare)
        done += len(chunk)
        if progress is not None:
            progress(done, count)
    return written


def national_ids(count: int, *, seed: int = 2568) -> list[str]:
    """The national IDs of the first ``count`` people (for tests and benchmarks)."""
    return [p.national_id for p in people(count, seed=seed)]


def given_person(
    *,
    national_id_value: str,
    given_th: str,
    family_th: str,
    birth_date: dt.date,
    sex: str,
    given_en: str = "",
    family_en: str = "",
    address_line: str = "99/1 หมู่ที่ 1",
    subdistrict: str = BAN_NA,
    household_id: str | None = None,
    household_role: str = "head",
) -> Person:
    """One specific (fictional) person, e.g. a demo citizen who must be in the registry;
    the district, province and postcode follow from the subdistrict's official code."""
    area = geothai.subdistrict(subdistrict)
    if area is None:
        raise ValueError(f"no subdistrict has the code {subdistrict!r}")
    digits = national_id.clean(national_id_value)
    return Person(
        national_id=digits,
        given_th=given_th,
        family_th=family_th,
        given_en=given_en or given_th,
        family_en=family_en or family_th,
        birth_date=birth_date,
        sex=sex,
        address_line=address_line,
        subdistrict=area.code,
        district=area.district_code,
        province=area.province_code,
        postcode=area.postal_codes[0],
        # A house code of its own: the district and the ID's last digits.
        household_id=household_id or f"{area.district_code}9{digits[-6:]}",
        household_role=household_role,
        dead=False,
        death_date=None,
    )


def insert(people: Iterable[Person]) -> int:
    """Write these people into the population registry; those already there are left as
    they are. Returns how many were written."""
    with transaction.atomic():
        new = _not_yet_registered(list(people))
        RegistryPerson.objects.bulk_create(new)
    return len(new)


def _not_yet_registered(chosen: list[Person]) -> list[RegistryPerson]:
    """Registry rows for the people not in the registry yet (found by any key's hash,
    during a secret-key rotation)."""
    keys = [national_id.lookup_hashes(p.national_id) for p in chosen]
    existing = set(
        RegistryPerson.objects.filter(
            national_id_hash__in=[h for each in keys for h in each]
        ).values_list("national_id_hash", flat=True)
    )
    return [
        _registry_row(p) for p, each in zip(chosen, keys, strict=True) if existing.isdisjoint(each)
    ]
