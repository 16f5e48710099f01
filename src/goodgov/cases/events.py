"""The public schema of every case event. No personal data: people are commitments."""

from goodgov.ledger.schemas import CODE, COMMITMENT, REFERENCE, declare

CASE_ID = {"type": "string", "format": "uuid"}
CHANNEL = {"enum": ["online", "counter"]}
VERSION = {"type": "integer"}

declare(
    "case.started",
    {
        "case": CASE_ID,
        "service": CODE,
        "version": VERSION,
        "agency": CODE,
        "applicant": COMMITMENT,
        "channel": CHANNEL,
    },
)
declare("case.draft_saved", {"case": CASE_ID, "service": CODE})
declare(
    "case.submitted",
    {
        "case": CASE_ID,
        "reference": REFERENCE,
        "service": CODE,
        "version": VERSION,
        "agency": CODE,
        "applicant": COMMITMENT,
        "channel": CHANNEL,
        "due": {"type": "string", "format": "date-time"},
    },
)
declare("case.claimed", {"reference": REFERENCE, "agency": CODE, "officer": COMMITMENT})
declare("case.info_requested", {"reference": REFERENCE, "agency": CODE, "officer": COMMITMENT})
declare("case.info_provided", {"reference": REFERENCE, "agency": CODE})
declare(
    "case.approved",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "officer": COMMITMENT,
        "with_conditions": {"type": "boolean"},
    },
)
declare(
    "case.rejected",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "officer": COMMITMENT,
        "legal_ground": {"type": "string", "maxLength": 500},
    },
)
declare("case.withdrawn", {"reference": REFERENCE, "agency": CODE})
