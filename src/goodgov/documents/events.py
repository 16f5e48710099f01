from goodgov.ledger.schemas import CODE, REFERENCE, declare

declare(
    "evidence.uploaded",
    {"reference": {"type": ["string", "null"]}, "item": CODE, "sha256": {"type": "string"}},
)
declare("evidence.removed", {"reference": {"type": ["string", "null"]}, "item": CODE})
_ = REFERENCE
