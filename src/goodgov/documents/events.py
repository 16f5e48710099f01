"""The public schema of every documents event. No personal data: no names, no file names,
no free text an officer typed (a revocation's reason stays in the private part)."""

from goodgov.ledger.schemas import CODE, REFERENCE, declare

SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
DOCUMENT_CODE = {"type": "string", "pattern": "^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"}
KIND = {"enum": ["permit", "certificate", "letter", "decision-letter"]}

declare(
    "evidence.uploaded",
    {"reference": {"type": ["string", "null"]}, "item": CODE, "sha256": SHA256},
)
declare("evidence.removed", {"reference": {"type": ["string", "null"]}, "item": CODE})
declare(
    "document.issued",
    {
        "code": DOCUMENT_CODE,
        "sha256": SHA256,
        "kind": KIND,
        "agency": CODE,
        "reference": REFERENCE,
        "service": CODE,
    },
)
declare("document.revoked", {"code": DOCUMENT_CODE, "sha256": SHA256, "agency": CODE})
