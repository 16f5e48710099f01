from goodgov.ledger.schemas import COMMITMENT, declare

# channel: "online" (the person signed up), "counter" (an officer registered them in
# person), "agency" (an agency admin made an officer's account).
declare(
    "person.registered",
    {"person": COMMITMENT, "channel": {"enum": ["online", "counter", "agency"]}},
)
