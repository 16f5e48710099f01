from goodgov.ledger.schemas import CODE, COMMITMENT, declare

declare("agency.created", {"agency": CODE, "kind": CODE})
declare("membership.granted", {"agency": CODE, "role": CODE, "officer": COMMITMENT})
declare("membership.revoked", {"agency": CODE, "role": CODE, "officer": COMMITMENT})
declare("officer.second_factor_reset", {"agency": CODE, "officer": COMMITMENT})
