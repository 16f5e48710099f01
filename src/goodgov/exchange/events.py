"""The public schema of every exchange event. No personal data: the person is a
commitment; the consent reference stays in the private part (it would link a person's
events across nodes' public logs)."""

from goodgov.ledger.schemas import CODE, COMMITMENT, REFERENCE, declare

NODE = {"type": "string", "maxLength": 64}
BASIS = {"type": "string", "maxLength": 32}
FIELDS = {"type": "array", "items": CODE, "maxItems": 64}

declare(
    "exchange.served",
    {
        "client": NODE,
        "service": CODE,
        "method": CODE,
        "purpose": CODE,
        "legal_basis": BASIS,
        "person": COMMITMENT,
        "fields": FIELDS,
    },
)
declare(
    "exchange.requested",
    {
        "provider": NODE,
        "service": CODE,
        "method": CODE,
        "purpose": CODE,
        "legal_basis": BASIS,
        "person": COMMITMENT,
        "outcome": CODE,
    },
)
declare(
    "exchange.consent_given",
    {"client": NODE, "service": CODE, "purpose": CODE, "person": COMMITMENT},
)
declare(
    "exchange.consent_withdrawn",
    {"client": NODE, "service": CODE, "purpose": CODE, "person": COMMITMENT},
)
declare(
    "exchange.right_granted",
    {"client": NODE, "service": CODE, "method": CODE, "fields": FIELDS},
)
declare("exchange.right_revoked", {"client": NODE, "service": CODE, "method": CODE})

# PDPA duties (docs/pdpa.md). An officer opened a person's record: the person's data
# tracker lists it. The reference is the case's, already public with ``case.submitted``.
declare(
    "person.viewed",
    {"agency": CODE, "officer": COMMITMENT, "person": COMMITMENT, "reference": REFERENCE},
)
# A person's data was erased at their request: which request, nothing of the person (their
# salts are gone, so no commitment could name them any more).
declare("person.erased", {"agency": CODE, "reference": REFERENCE})
# The breach register: facts for accountability, never who was affected.
RISK = {"enum": ["unlikely", "risk", "high"]}
MOMENT = {"type": "string", "format": "date-time"}
declare(
    "breach.recorded",
    {
        "agency": CODE,
        "breach": {"type": "string", "format": "uuid"},
        "risk": RISK,
        "affected": {"type": "integer", "minimum": 0},
        "discovered_at": MOMENT,
        "due": MOMENT,
    },
)
declare(
    "breach.notified",
    {
        "agency": CODE,
        "breach": {"type": "string", "format": "uuid"},
        "whom": {"enum": ["office", "people"]},
        "at": MOMENT,
        "late": {"type": "boolean"},
    },
)
