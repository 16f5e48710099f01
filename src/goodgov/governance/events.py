"""The public schema of every governance event. No personal data: the officer is a
commitment, and the evidence note they typed stays in the private part."""

from goodgov.ledger.schemas import CODE, COMMITMENT, declare

declare(
    "ita.item_answered",
    {
        "agency": CODE,
        "year": {"type": "integer", "minimum": 2400, "maximum": 2999},
        "kind": CODE,
        "item": {"type": "string", "maxLength": 8},
        "url": {"type": "string", "maxLength": 500},
        "officer": COMMITMENT,
    },
)
