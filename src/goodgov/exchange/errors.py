"""Every way an exchange can fail, as a typed error with a stable code.

The provider answers a refusal with ``{"error": <code>, "detail": <text>}`` and the HTTP
status below, signed like any response; the client raises the matching exception, so a
caller can tell "the provider is down" from "our right was revoked" without parsing text.
"""

from __future__ import annotations


class ExchangeError(Exception):
    code = "exchange_error"
    status = 500
    retryable = False

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__doc__ or self.code)
        self.detail = detail or (self.__class__.__doc__ or self.code).strip()


class ProviderUnavailable(ExchangeError):
    """The provider could not be reached or answered with a server error."""

    code = "provider_unavailable"
    status = 503
    retryable = True


class ProviderTimeout(ExchangeError):
    """The provider did not answer in time."""

    code = "timeout"
    status = 504
    retryable = True


class UnknownNode(ExchangeError):
    """The directory has no such node, or it does not offer that service and method."""

    code = "unknown_node"
    status = 404


class BadRequest(ExchangeError):
    """The request is malformed (headers, query or body)."""

    code = "bad_request"
    status = 400


class BadSignature(ExchangeError):
    """A signature is missing, malformed or does not verify."""

    code = "bad_signature"
    status = 401


class StaleRequest(ExchangeError):
    """The signature's creation time is outside the accepted window."""

    code = "stale"
    status = 401


class UnknownClient(ExchangeError):
    """The provider's directory does not know the client node."""

    code = "unknown_client"
    status = 401


class Replay(ExchangeError):
    """The provider has already seen this request's nonce."""

    code = "replay"
    status = 409


class NoRight(ExchangeError):
    """The client has no access right to this data service and method."""

    code = "no_right"
    status = 403


class RightRevoked(ExchangeError):
    """The client's access right to this data service and method was revoked."""

    code = "right_revoked"
    status = 403


class PurposeNotAllowed(ExchangeError):
    """The client's right does not cover the stated purpose."""

    code = "purpose_not_allowed"
    status = 403


class LegalBasisNotAllowed(ExchangeError):
    """The stated legal basis is not one the client's right accepts; consent is needed."""

    code = "legal_basis_not_allowed"
    status = 403


class ConsentMissing(ExchangeError):
    """No consent with this reference covers this person, client and service."""

    code = "consent_missing"
    status = 403


class ConsentExpired(ExchangeError):
    """The person's consent has expired."""

    code = "consent_expired"
    status = 403


class ConsentWithdrawn(ExchangeError):
    """The person has withdrawn their consent."""

    code = "consent_withdrawn"
    status = 403


class ConsentTokenExpired(ConsentExpired):
    """The consent token is past its lifetime; the client node issues one per request."""

    code = "consent_token_expired"
    status = 403


class BadConsentToken(ExchangeError):
    """The consent token is malformed, altered, not signed by the client node, or was
    made for another request."""

    code = "consent_token_invalid"
    status = 401


class NotFound(ExchangeError):
    """The registry holds no such person."""

    code = "not_found"
    status = 404


BY_CODE: dict[str, type[ExchangeError]] = {
    cls.code: cls
    for cls in (
        ProviderUnavailable,
        ProviderTimeout,
        UnknownNode,
        BadRequest,
        BadSignature,
        StaleRequest,
        UnknownClient,
        Replay,
        NoRight,
        RightRevoked,
        PurposeNotAllowed,
        LegalBasisNotAllowed,
        ConsentMissing,
        ConsentExpired,
        ConsentWithdrawn,
        ConsentTokenExpired,
        BadConsentToken,
        NotFound,
    )
}
