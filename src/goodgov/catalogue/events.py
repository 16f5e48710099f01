from goodgov.ledger.schemas import CODE, declare

#: The most characters a withdrawal's public reason takes.
REASON_MAX = 500

declare(
    "service.published",
    {"service": CODE, "agency": CODE, "version": {"type": "integer"}, "digest": {"type": "string"}},
)
# A service stopped taking applications, and why (public: its users may ask); and taken up
# again. Cases already submitted are not affected.
declare(
    "service.withdrawn",
    {
        "service": CODE,
        "agency": CODE,
        "reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX},
    },
    required=["service", "agency", "reason"],
)
declare("service.reopened", {"service": CODE, "agency": CODE})
