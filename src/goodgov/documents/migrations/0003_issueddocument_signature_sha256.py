"""The signature's SHA-256 for every issued document, so that /verify/ recognises a copy
whose signed bytes were changed without parsing it. Documents issued before are filled in
from their stored files (our own bytes, scanned without a parser)."""

from typing import Any

from django.db import migrations, models


def fill_in(apps: Any, schema_editor: Any) -> None:
    from goodgov.documents.pdfs import issued_signature_digest

    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    for document in IssuedDocument.objects.filter(signature_sha256="").iterator():
        try:
            with document.file.open("rb") as handle:
                data = handle.read()
        except OSError:  # a missing file: found by code and exact bytes only
            continue
        digest = issued_signature_digest(data)
        if digest:
            IssuedDocument.objects.filter(pk=document.pk).update(signature_sha256=digest)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_issued_documents")]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="signature_sha256",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text=(
                    "SHA-256 of the signature in the file (the /Contents hex string): finds "
                    "the document from a copy whose signed bytes were changed"
                ),
                max_length=64,
            ),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
