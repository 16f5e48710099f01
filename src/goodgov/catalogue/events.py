from goodgov.ledger.schemas import CODE, declare

declare(
    "service.published",
    {"service": CODE, "agency": CODE, "version": {"type": "integer"}, "digest": {"type": "string"}},
)
