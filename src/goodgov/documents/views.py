from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from goodgov.core import access as rules
from goodgov.documents import selectors, services, verification
from goodgov.documents.access import evidence_for, issued_for_holder, issued_for_revoker
from goodgov.documents.forms import RevokeForm, VerifyForm
from goodgov.exchange.services import person_view_record


def _attachment(handle: object, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


#: The allauth rate limit (``ACCOUNT_RATE_LIMITS``) counting files checked per address.
VERIFY_FILE_LIMIT = "verify_file"
TOO_MANY_FILES = _(
    "Too many files have been checked from your network in the last minute. Wait a "
    "minute, then try again, or type the document code instead."
)


@rules.rule(rules.SIGNED_IN, "the applicant, or the officers working the case after submission")
def evidence(request: HttpRequest, evidence_id: str) -> FileResponse:
    item = evidence_for(request.user, evidence_id)
    # an officer opening a person's evidence looks at their data: on their tracker
    person_view_record(actor=request.user, case=item.case)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        item.content_type, "bin"
    )
    return _attachment(
        item.file.open("rb"),
        f"{item.case.reference or 'draft'}-{item.item}.{extension}",
        item.content_type,
    )


@rules.rule(rules.SIGNED_IN, "the person's own issued documents")
def mine(request: HttpRequest) -> HttpResponse:
    documents = list(selectors.documents_held_by(request.user))
    return render(request, "documents/mine.html", {"documents": documents})


@rules.rule(rules.SIGNED_IN, "only the person the document was issued to")
def download(request: HttpRequest, document_id: str) -> FileResponse:
    document = issued_for_holder(request.user, document_id)
    return _attachment(
        document.file.open("rb"),
        f"{document.case.reference}-{document.code}.pdf",
        "application/pdf",
    )


@rules.rule(rules.PUBLIC, "anyone may check a document by its code or its file")
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a document, by its code or its file. Files are checked at most
    ``ACCOUNT_RATE_LIMITS["verify_file"]`` times a minute from one address: each reads
    and hashes up to the upload limit, and a genuine one has its signature checked."""
    result = None
    limited = False
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is not None and not ratelimit.consume(request, action=VERIFY_FILE_LIMIT):
                form.add_error("file", TOO_MANY_FILES)
                limited = True
            elif upload is not None:
                result = verification.verify_file(upload.read())
            else:
                result = verification.verify_code(form.cleaned_data["code"])
    elif request.GET.get("code"):
        form = VerifyForm(request.GET)
        if form.is_valid():
            result = verification.verify_code(form.cleaned_data["code"])
    else:
        form = VerifyForm()
    response = render(
        request,
        "documents/verify.html",
        {"form": form, "result": result, "has_errors": bool(form.errors)},
        status=429 if limited else 400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@rules.rule(rules.OFFICER, "approvers and administrators: their agencies' issued documents")
def office(request: HttpRequest) -> HttpResponse:
    documents = list(selectors.documents_revocable_by(request.user)[:200])
    return render(request, "documents/office.html", {"documents": documents})


@rules.rule(rules.OFFICER, "an approver or administrator of the issuing agency")
def revoke(request: HttpRequest, document_id: str) -> HttpResponse:
    """Confirm and revoke. Sent after someone else revoked it (two officers on the same
    page): 409, the revocation that stands, and the reason this officer typed, shown
    back so that it is not lost."""
    document = issued_for_revoker(request.user, document_id)
    form = RevokeForm(request.POST or None)
    not_sent = None
    if request.method == "POST" and form.is_valid():
        try:
            services.document_revoke(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except services.DocumentNotAllowed as exc:  # pragma: no cover (checked above)
            from django.http import Http404

            raise Http404 from exc
        except services.DocumentError as exc:
            form.add_error(exc.field, exc.message)
            if exc.field is None:  # revoked meanwhile: show the revocation that stands
                document.refresh_from_db()
                not_sent = [(form.fields["reason"].label, form.cleaned_data.get("reason", ""))]
        else:
            messages.success(
                request,
                _("Document %(code)s is revoked. Anyone who checks it is told so.")
                % {"code": document.code},
            )
            return redirect("documents:office")
    return render(
        request,
        "documents/revoke.html",
        {"document": document, "form": form, "has_errors": bool(form.errors), "not_sent": not_sent},
        status=409 if not_sent is not None else 400 if form.errors else 200,
    )
