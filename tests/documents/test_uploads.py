"""Evidence uploads: image metadata stripped, a total per case, and the clamd hook."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import struct
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from goodgov.cases import services as cases
from goodgov.documents.models import Evidence
from goodgov.documents.validation import check_upload

ACCEPT = ["application/pdf", "image/jpeg", "image/png"]
GPS_IFD = 0x8825
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def photo_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90 degrees to stand upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "นายสมชาย ใจดี")
    info.add_text("Location", "13.75,100.5")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def attach(case: Any, user: Any, data: bytes, content_type: str) -> Evidence:
    upload = SimpleUploadedFile("photo", data, content_type)
    cases.case_save_draft(
        actor=user, case=case, answers={}, uploads={"floor_plan": (upload, content_type)}
    )
    return Evidence.objects.get(case=case, item="floor_plan")


@pytest.fixture
def draft(citizen_a: Any, service_version: Any) -> Any:
    return cases.case_start(actor=citizen_a, applicant=citizen_a, service=service_version.service)


def test_jpeg_location_and_camera_are_stripped_and_orientation_kept(
    draft: Any, citizen_a: Any
) -> None:
    # given
    original = photo_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    # when
    evidence = attach(draft, citizen_a, original, "image/jpeg")
    # then
    stored = evidence.file.open("rb").read()
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert image.size == (30, 40)  # turned upright, as the orientation said
    assert b"PhoneMaker" not in stored
    import hashlib

    assert evidence.sha256 == hashlib.sha256(stored).hexdigest()
    assert evidence.size == len(stored)


def test_png_text_chunks_are_stripped(draft: Any, citizen_a: Any) -> None:
    evidence = attach(draft, citizen_a, png_with_text(), "image/png")
    stored = evidence.file.open("rb").read()
    with Image.open(io.BytesIO(stored)) as image:
        assert "Author" not in image.info and "Location" not in image.info
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0)) == (0, 0, 255, 128)
    assert b"tEXt" not in stored


def test_pdf_is_stored_as_uploaded(draft: Any, citizen_a: Any) -> None:
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    evidence = attach(draft, citizen_a, pdf, "application/pdf")
    assert evidence.file.open("rb").read() == pdf


@pytest.fixture(scope="module")
def real_pdf() -> bytes:
    """A one-page PDF as WeasyPrint writes it (the platform's own documents)."""
    import weasyprint

    return bytes(weasyprint.HTML(string="<p>โฉนดที่ดินเลขที่ 1234</p>").write_pdf())


def _refusal(data: bytes) -> tuple[str | None, str]:
    """The refusal's code and English message; (None, "") when the file is accepted."""
    try:
        check_upload(SimpleUploadedFile("scan.pdf", data, "application/pdf"), accept=ACCEPT)
    except ValidationError as exc:
        with translation.override("en"):
            return exc.code, exc.messages[0]
    return None, ""


def test_a_whole_pdf_is_accepted_and_one_cut_short_is_refused(real_pdf: bytes) -> None:
    # given: the same file whole, and stopped half-way (an upload or download that broke)
    whole, cut = real_pdf, real_pdf[: len(real_pdf) // 2]
    # when / then
    assert _refusal(whole) == (None, "")
    assert _refusal(cut) == (
        "damaged",
        "The file is damaged or incomplete. Save or scan it again and upload it",
    )


def test_a_page_that_only_starts_like_a_pdf_is_refused() -> None:
    # given: an HTML page with a PDF's first five bytes
    page = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n"
    # when / then
    assert _refusal(page)[0] == "damaged"


def test_a_complete_pdf_without_a_cross_reference_table_is_accepted() -> None:
    # given: no cross-reference table (viewers rebuild one); it ends as a PDF does
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    # when / then
    assert _refusal(pdf) == (None, "")


def test_evidence_is_stored_under_its_content_hash_not_its_name(draft: Any, citizen_a: Any):
    # given
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    # when
    evidence = attach(draft, citizen_a, pdf, "application/pdf")
    # then
    digest = hashlib.sha256(pdf).hexdigest()
    assert evidence.sha256 == digest
    assert evidence.file.name == f"evidence/{digest[:2]}/{digest}"
    assert evidence.original_name == "photo"  # kept for display only


def test_the_same_bytes_are_one_file_kept_until_the_last_row_goes(
    citizen_a: Any, citizen_b: Any, service_version: Any, django_capture_on_commit_callbacks: Any
):
    # given: two people upload the same file, then A replaces it
    service = service_version.service
    a = cases.case_start(actor=citizen_a, applicant=citizen_a, service=service)
    b = cases.case_start(actor=citizen_b, applicant=citizen_b, service=service)
    same = b"%PDF-1.4\n% shared\n%%EOF\n"
    first, second = (
        attach(a, citizen_a, same, "application/pdf"),
        attach(b, citizen_b, same, "application/pdf"),
    )
    storage, name = first.file.storage, first.file.name
    # when
    with django_capture_on_commit_callbacks(execute=True):
        attach(a, citizen_a, b"%PDF-1.4\n% other\n%%EOF\n", "application/pdf")
    # then: B's evidence still opens
    assert second.file.name == name and storage.exists(name)
    assert Evidence.objects.get(pk=second.pk).file.open("rb").read() == same
    # when: B replaces it too, the file goes
    with django_capture_on_commit_callbacks(execute=True):
        attach(b, citizen_b, b"%PDF-1.4\n% third\n%%EOF\n", "application/pdf")
    # then
    assert not storage.exists(name)


def test_total_per_case_is_limited_and_a_replaced_file_does_not_count(
    draft: Any, citizen_a: Any, settings: Any, service_version: Any
) -> None:
    # given
    settings.GOODGOV_CASE_UPLOAD_MAX_BYTES = 300
    pdf = b"%PDF-1.4\n" + b"0" * 194 + b"%%EOF\n"
    attach(draft, citizen_a, pdf, "application/pdf")
    # when: replacing the same item with a file of the same size is fine
    attach(draft, citizen_a, pdf, "application/pdf")
    # then: a second item that takes the case over the limit is refused, and nothing kept
    upload = SimpleUploadedFile("more.pdf", pdf, "application/pdf")
    with pytest.raises(cases.CaseError) as error:
        cases.case_save_draft(
            actor=citizen_a,
            case=draft,
            answers={},
            uploads={"extra": (upload, "application/pdf")},
        )
    assert error.value.field == "evidence_extra"
    assert list(Evidence.objects.filter(case=draft).values_list("item", flat=True)) == [
        "floor_plan"
    ]


class FakeClamd:
    """A Unix-socket server that speaks clamd's INSTREAM and flags EICAR."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(4)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\0" not in data:
                    data += conn.recv(4096)
                rest = data.split(b"\0", 1)[1]
                body = b""
                while True:
                    while len(rest) < 4:
                        rest += conn.recv(4096)
                    (size,) = struct.unpack("!L", rest[:4])
                    rest = rest[4:]
                    if size == 0:
                        break
                    while len(rest) < size:
                        rest += conn.recv(65536)
                    body, rest = body + rest[:size], rest[size:]
                verdict = b"stream: Eicar-Signature FOUND\0" if EICAR in body else b"stream: OK\0"
                conn.sendall(verdict)

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_clamd(tmp_path: Path, settings: Any) -> Any:
    server = FakeClamd(tmp_path / "clamd.sock")
    settings.GOODGOV_CLAMD_SOCKET = str(server.path)
    yield server
    server.close()


def test_the_scanner_hook_refuses_what_clamd_flags(fake_clamd: Any) -> None:
    infected = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n", "application/pdf")
    clean = SimpleUploadedFile("y.pdf", b"%PDF-1.4\nclean\n%%EOF\n", "application/pdf")
    with pytest.raises(ValidationError) as error:
        check_upload(infected, accept=ACCEPT)
    assert error.value.code == "virus"
    assert check_upload(clean, accept=ACCEPT) == "application/pdf"


def test_a_configured_scanner_that_does_not_answer_refuses_the_upload(
    settings: Any, tmp_path: Path
) -> None:
    settings.GOODGOV_CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    upload = SimpleUploadedFile("y.pdf", b"%PDF-1.4\nclean\n%%EOF\n", "application/pdf")
    with pytest.raises(ValidationError) as error:
        check_upload(upload, accept=ACCEPT)
    assert error.value.code == "scanner"


def test_the_scanner_is_off_by_default(settings: Any) -> None:
    assert not getattr(settings, "GOODGOV_CLAMD_SOCKET", None)
    assert not os.environ.get("GOODGOV_CLAMD_SOCKET")
    infected = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n", "application/pdf")
    assert check_upload(infected, accept=ACCEPT) == "application/pdf"


CLAMD_SOCKETS = [
    "/run/clamav/clamd.ctl",
    "/var/run/clamav/clamd.ctl",
    "/var/run/clamd.scan/clamd.sock",
]


@pytest.mark.skipif(
    shutil.which("clamd") is None or not any(Path(p).exists() for p in CLAMD_SOCKETS),
    reason="clamd is not installed and running",
)
def test_real_clamd_finds_eicar(settings: Any) -> None:
    from goodgov.documents import scanning

    settings.GOODGOV_CLAMD_SOCKET = next(p for p in CLAMD_SOCKETS if Path(p).exists())
    found = scanning.scan(SimpleUploadedFile("eicar.com", EICAR, "application/octet-stream"))
    clean = scanning.scan(
        SimpleUploadedFile("y.pdf", b"%PDF-1.4\nclean\n%%EOF\n", "application/pdf")
    )
    assert found is not None and "eicar" in found.lower()
    assert clean is None


@pytest.mark.parametrize("after_a_pdf", [False, True], ids=["fresh process", "after a PDF"])
def test_a_damaged_image_is_refused_with_a_message_whatever_ran_before(
    after_a_pdf: bool, monkeypatch: Any
) -> None:
    # given: a PNG whose header is right but whose pixel data is corrupt; and, in the
    # second case, the process as WeasyPrint leaves it (truncated images tolerated)
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", after_a_pdf)
    good = png_with_text()
    damaged = good[: good.index(b"IDAT") + 8] + b"\x00" * 12 + good[good.index(b"IDAT") + 20 :]
    upload = SimpleUploadedFile("photo.png", damaged, "image/png")

    # when / then
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, accept=["image/png"])
    assert refused.value.code == "damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is after_a_pdf  # left as it was


def _png(size: tuple[int, int], mode: str = "1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    # given: a PNG of 10,000 x 6,000 pixels of one colour: a few kilobytes on the wire,
    # 60 million pixels (hundreds of megabytes) once decoded
    data = _png((10_000, 6_000))
    assert len(data) < 100_000
    upload = SimpleUploadedFile("photo.png", data, "image/png")
    # when / then
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, accept=["image/png"])
    assert refused.value.code == "too_many_pixels"
    assert refused.value.params == {"megapixels": 50}


def test_the_pixel_limit_is_inclusive(monkeypatch: Any) -> None:
    # given: the limit set to the pixels of a 40 x 30 image
    monkeypatch.setattr("goodgov.documents.images.MAX_PIXELS", 1200)
    # when / then: that image passes; one a pixel wider does not
    assert check_upload(SimpleUploadedFile("a.png", _png((40, 30), "RGB")), accept=ACCEPT) == (
        "image/png"
    )
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("b.png", _png((41, 30), "RGB")), accept=ACCEPT)
    assert refused.value.code == "too_many_pixels"
