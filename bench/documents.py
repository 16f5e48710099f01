"""Issued-documents benchmark: documents rendered and signed per minute, and the time to
verify one (SHA-256 plus pyHanko's signature validation, as ``/verify/`` does).

Renders the real template (``documents/pdf/document.html``, Sarabun, QR code) with
WeasyPrint and signs it PAdES with a demo agency key made in a temporary directory; no
database is touched. ``--processes N`` runs N renderers side by side.

    .venv/bin/python bench/documents.py                  # 40 documents, 1 and 2 processes
    .venv/bin/python bench/documents.py --count 100 --processes 1 2 4

Prints a markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def setup(data_dir: str) -> None:
    os.environ["GOODGOV_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodgov.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


AGENCY = SimpleNamespace(
    code="TBNK",
    name_th="เทศบาลตำบลบ้านนา (สมมติ)",
    name_en="Ban Na Subdistrict Municipality (fictional)",
)


def context(n: int) -> dict[str, Any]:
    from goodgov.core import thai
    from goodgov.documents import pdf
    from goodgov.documents.services import new_code
    from goodgov.documents.wording import WORDING

    code = new_code()
    url = f"https://services.example.go.th/verify/?code={code}"
    day = dt.date(2026, 11, 24)
    return {
        "w": WORDING,
        "agency": AGENCY,
        "title": {"th": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "en": "Food shop licence"},
        "code": code,
        "reference": f"TBNK-2569-{n:06d}",
        "issued": {"th": thai.format_date(day, "th"), "en": thai.format_date(day, "en")},
        "holder": "นางสมมุติ ใจประชา",
        "service": {"th": "ขออนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "en": "Food shop licence"},
        "legal_basis": [
            {
                "act": {
                    "th": "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535",
                    "en": "Public Health Act B.E. 2535",
                },
                "section": {"th": "มาตรา 38", "en": "Section 38"},
            }
        ],
        "decision": "approved",
        "conditions": "ล้างทำความสะอาดพื้นที่ปรุงอาหารทุกวัน และเก็บขยะในภาชนะที่มีฝาปิด",
        "verify_url": url,
        "qr": pdf.qr_data_uri(url),
    }


def make_documents(args: tuple[str, int, int]) -> tuple[list[float], list[float], bytes]:
    """In one process: render and sign ``count`` documents; (render s, sign s, last PDF)."""
    data_dir, start, count = args
    setup(data_dir)
    from goodgov.documents import pdf

    pdf.sign(
        pdf.render("documents/pdf/document.html", context(0)),
        agency=AGENCY,
        reason="warm-up",
        location="",
    )
    render_times, sign_times, signed = [], [], b""
    for n in range(start, start + count):
        t0 = time.perf_counter()
        rendered = pdf.render("documents/pdf/document.html", context(n))
        t1 = time.perf_counter()
        signed = pdf.sign(rendered, agency=AGENCY, reason="bench", location=AGENCY.name_th)
        t2 = time.perf_counter()
        render_times.append(t1 - t0)
        sign_times.append(t2 - t1)
    return render_times, sign_times, signed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40, help="documents per run (40)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--verify", type=int, default=40, help="verifications (40)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        from goodgov.documents import pdf, pki

        pki.pki_init(agencies=[(AGENCY.code, AGENCY.name_en)])
        rows = []
        sample = b""
        per_doc: tuple[list[float], list[float]] = ([], [])
        for processes in args.processes:
            share = [
                args.count // processes + (1 if i < args.count % processes else 0)
                for i in range(processes)
            ]
            jobs = [(data_dir, sum(share[:i]), share[i]) for i in range(processes)]
            with multiprocessing.get_context("spawn").Pool(processes) as pool:
                pool.map(make_documents, [(data_dir, 0, 1)] * processes)  # start-up, not timed
                t0 = time.perf_counter()
                results = pool.map(make_documents, jobs)
                elapsed = time.perf_counter() - t0
            if processes == 1:
                per_doc = (results[0][0], results[0][1])
            sample = results[0][2]
            rows.append((processes, args.count, elapsed, args.count / elapsed * 60))

        verify_times = []
        for _ in range(args.verify):
            t0 = time.perf_counter()
            hashlib.sha256(sample).hexdigest()
            check = pdf.check_signature(sample)
            verify_times.append(time.perf_counter() - t0)
            assert check.valid, check

    def ms(values: list[float], q: float = 0.5) -> str:
        ordered = sorted(values)
        return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f} ms"

    print("## Issued documents (`bench/documents.py`)\n")
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; one-page A4 permit in Sarabun with a QR code, "
        f"rendered by WeasyPrint and signed PAdES (RSA 2048, SHA-256) by pyHanko; "
        f"{len(sample) // 1024} KB per document.\n"
    )
    print("| processes | documents | seconds | documents rendered and signed per minute |")
    print("| ---: | ---: | ---: | ---: |")
    for processes, count, elapsed, per_minute in rows:
        print(f"| {processes} | {count} | {elapsed:.1f} | {per_minute:.0f} |")
    if per_doc[0]:
        print(
            f"\nOne process, per document: render {ms(per_doc[0])} (median), "
            f"sign {ms(per_doc[1])} (median)."
        )
    print(
        f"\nVerification of an uploaded PDF (SHA-256 and pyHanko signature validation against "
        f"the demo root): median {ms(verify_times)}, p95 {ms(verify_times, 0.95)} "
        f"over {len(verify_times)} checks."
    )
    print(
        f"\nMedian of everything per document in one process: {statistics.median([a + b for a, b in zip(*per_doc, strict=True)]) * 1000:.0f} ms."
    )


if __name__ == "__main__":
    main()
