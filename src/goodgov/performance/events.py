"""The public schema of every plan event. Plans, targets and results are public
information, but a payload carries only identifiers and figures: no texts an officer
typed (they stay in the database and on the public pages), and officers only as
commitments (``goodgov.ledger.services.commitment``)."""

from goodgov.ledger.schemas import CODE, COMMITMENT, declare

ID = {"type": "integer", "minimum": 1}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2999}  # Common Era fiscal year
PERIOD = {"enum": ["h1", "h2", "year"]}
#: Decimal figures as strings, exactly as stored (no float rounding in the log).
NUMBER = {"type": "string", "pattern": r"^-?[0-9]{1,12}(\.[0-9]{1,4})?$"}

declare(
    "plan.created",
    {"agency": CODE, "plan": ID, "first_year": YEAR, "last_year": YEAR},
)
declare(
    "plan.updated",
    {"agency": CODE, "plan": ID, "first_year": YEAR, "last_year": YEAR},
)
declare(
    "plan.objective_added",
    {"agency": CODE, "plan": ID, "objective": ID, "number": ID, "weight": NUMBER},
)
declare(
    "plan.objective_updated",
    {"agency": CODE, "plan": ID, "objective": ID, "number": ID, "weight": NUMBER},
)
_INDICATOR = {
    "agency": CODE,
    "plan": ID,
    "objective": ID,
    "indicator": ID,
    "kind": {"enum": ["output", "outcome"]},
    "direction": {"enum": ["up", "down"]},
    "baseline": NUMBER,
    "weight": NUMBER,
    "measure": {"type": "string", "maxLength": 64},
    "service": {"type": "string", "maxLength": 64},
}
declare("plan.indicator_added", _INDICATOR)
declare("plan.indicator_updated", _INDICATOR)
declare(
    "indicator.target_set",
    {
        "agency": CODE,
        "plan": ID,
        "indicator": ID,
        "fiscal_year": YEAR,
        "period": PERIOD,
        "target": {"anyOf": [NUMBER, {"type": "null"}]},
    },
)
declare(
    "indicator.value_entered",
    {
        "agency": CODE,
        "plan": ID,
        "indicator": ID,
        "value_id": ID,
        "fiscal_year": YEAR,
        "period": PERIOD,
        "value": NUMBER,
        "officer": COMMITMENT,
    },
)
declare(
    "indicator.value_approved",
    {
        "agency": CODE,
        "plan": ID,
        "indicator": ID,
        "value_id": ID,
        "fiscal_year": YEAR,
        "period": PERIOD,
        "value": NUMBER,
        "approver": COMMITMENT,
    },
)
