"""The public schema of every case event. No personal data: people are commitments."""

from goodgov.ledger.schemas import CODE, COMMITMENT, REFERENCE, declare

CASE_ID = {"type": "string", "format": "uuid"}
CHANNEL = {"enum": ["online", "counter"]}
VERSION = {"type": "integer"}
#: The age bands a submission may put its applicant in (their age on the submission day).
AGE_BANDS = ("0-17", "18-39", "40-59", "60-69", "70-79", "80+")
#: The most characters a refusal's ``legal_ground`` (the chosen basis in words) takes.
LEGAL_GROUND_MAX = 500

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
# A draft moved to its service's current version (a new one was published after it was
# started): the version numbers only. Which answers were dropped stays private.
declare("case.version_moved", {"case": CASE_ID, "service": CODE, "from": VERSION, "to": VERSION})
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
        # The service level promised: the sum of the steps' SLA days (when the service sets them).
        "sla_due": {"type": "string", "format": "date-time"},
        # Two coarse facts for the equity indicators, only when the case holds them: the
        # official 2-digit code of the province of the applicant's address, and the
        # applicant's age band. Never the birth date, the district or the address itself,
        # so the public log cannot single anyone out.
        "region": {"type": "string", "pattern": "^[1-9][0-9]$"},
        "age_band": {"enum": list(AGE_BANDS)},
    },
    required=["case", "reference", "service", "version", "agency", "applicant", "channel", "due"],
)
declare("case.claimed", {"reference": REFERENCE, "agency": CODE, "officer": COMMITMENT})
# An officer asked the applicant for information. ``clock_stopped``: whether the service's
# deadline stands still until the answer (``clock_stops_for_information``); absent from
# events recorded before it was published, which count as a clock that runs.
declare(
    "case.info_requested",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "officer": COMMITMENT,
        "clock_stopped": {"type": "boolean"},
    },
)
# The applicant answered. For a service whose clock stops while the applicant is asked
# (``clock_stops_for_information``), the due dates the answer moved later by the time
# waited: ``due``, and ``sla_due`` when the service sets a service level. None for a
# service whose clock runs (nor in events recorded before the clock stopped).
declare(
    "case.info_provided",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "due": {"type": "string", "format": "date-time"},
        "sla_due": {"type": "string", "format": "date-time"},
    },
    required=["reference", "agency"],
)
declare(
    "case.approved",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "officer": COMMITMENT,
        "applicant": COMMITMENT,
        "with_conditions": {"type": "boolean"},
    },
)
declare(
    "case.rejected",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "officer": COMMITMENT,
        "applicant": COMMITMENT,
        # The entry of the case's version's ``legal_basis`` the refusal rests on: its index
        # (from 0) and its words as the service definition gives them (Thai, a line break,
        # English). Never text the officer typed: the reasons stay in the private part.
        "legal_basis": {"type": "integer", "minimum": 0},
        "legal_ground": {"type": "string", "maxLength": LEGAL_GROUND_MAX},
    },
)
declare("case.withdrawn", {"reference": REFERENCE, "agency": CODE})
# The applicant's answer to "How satisfied are you with this service?" once the case is
# closed. The score is public (it makes the satisfaction figure); the optional comment is
# free text that may hold personal data, so it stays in the event's private part.
declare(
    "case.rated",
    {
        "reference": REFERENCE,
        "agency": CODE,
        "service": CODE,
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
    },
)
