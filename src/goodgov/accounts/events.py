from goodgov.ledger.schemas import COMMITMENT, declare

declare("person.registered", {"person": COMMITMENT, "channel": {"enum": ["online", "counter"]}})
