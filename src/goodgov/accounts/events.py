from goodgov.ledger.schemas import COMMITMENT, declare

# channel: "online" (the person signed up), "counter" (an officer registered them in
# person), "agency" (an agency admin made an officer's account).
declare(
    "person.registered",
    {"person": COMMITMENT, "channel": {"enum": ["online", "counter", "agency"]}},
)

# A counter officer saw the person's ID card, bearing the national ID their account
# claimed (``accounts.services.person_national_id_confirm``).
declare(
    "person.identity_confirmed",
    {"person": COMMITMENT, "channel": {"enum": ["counter"]}},
)

# A platform operator removed the person's second factor (``goodgov accounts
# second-factor-reset``): for people an agency admin may not reset.
declare(
    "person.second_factor_reset",
    {"person": COMMITMENT, "by": {"enum": ["operator"]}},
)
