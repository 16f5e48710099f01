from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from goodgov.agencies.models import Agency, Membership, Role


def roles_of(user: Any, agency: Agency) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, agency=agency, active=True).values_list(
            "role", flat=True
        )
    )


def agencies_of(user: Any) -> QuerySet[Agency]:
    """Agencies in which the user holds any active role."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user, memberships__active=True).distinct()


def is_officer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, active=True).exists()
    )


def memberships_of(user: Any) -> QuerySet[Membership]:
    """The user's active roles, with their agencies."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, active=True)
        .select_related("agency")
        .order_by("agency__code", "role")
    )


def agencies_administered_by(user: Any) -> QuerySet[Agency]:
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user=user, memberships__active=True, memberships__role=Role.ADMIN
    ).distinct()


def officers_of(agency: Agency) -> list[dict[str, Any]]:
    """Everyone with an active role in ``agency``: ``{"user", "roles"}``, by name."""
    by_user: dict[int, dict[str, Any]] = {}
    rows = (
        Membership.objects.filter(agency=agency, active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "user_id")
    )
    for membership in rows:
        entry = by_user.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        entry["roles"].append(membership.role)
    for entry in by_user.values():
        entry["roles"] = [role for role in Role.values if role in entry["roles"]]
    return list(by_user.values())


def officer_in(agency: Agency, user_id: int) -> Any | None:
    """A user who holds, or once held, a role in ``agency``; None for anyone else.

    Former officers stay reachable on purpose: their page shows that they hold no role
    now and what this agency recorded about them (:func:`officer_history`), and lets an
    admin give a role back."""
    membership = (
        Membership.objects.filter(agency=agency, user_id=user_id).select_related("user").first()
    )
    return membership.user if membership is not None else None


def is_officer_account(user: Any) -> bool:
    """Whether ``user``'s account is an officer's: it holds or held a role in any agency,
    or an agency made it (``person.registered`` with channel ``agency``). Only such an
    account may be given an agency's roles by email; an account a person made for
    themselves (or that a counter made for them) may not.
    """
    from goodgov.ledger.models import Event

    if Membership.objects.filter(user=user).exists():
        return True
    return Event.objects.filter(
        action="person.registered",
        subject_type=user._meta.label_lower,
        subject_id=str(user.pk),
        public__channel="agency",
    ).exists()


def is_unclaimed_elsewhere(agency: Agency, user: Any) -> bool:
    """Whether ``user``'s account is one nobody has signed in to yet and ``agency`` never
    gave a role: an officer account (:func:`is_officer_account`) that other agencies made
    or gave roles to, still waiting for its owner. ``agencies.services.officer_add``
    refuses it: whoever holds it now may not be the person whose address it bears (an
    account made before set-password links were emailed had its link shown to the
    admin who made it), and once its owner signs in, through a link sent to the
    address, it is theirs."""
    if getattr(user, "last_login", None) is not None:
        return False
    return not Membership.objects.filter(agency=agency, user=user).exists()


def second_factor_is_for_operator(agency: Agency, user: Any) -> bool:
    """Whether only a platform operator may reset ``user``'s second factor, not an admin
    of ``agency``: they hold an active role in another agency, or are Django staff or a
    superuser. An admin could otherwise give such a person a role in their own agency,
    reset the factor that guards the other agency's (or the platform's) powers, and leave
    the account to whoever knows its password."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user=user, active=True).exclude(agency=agency).exists()


def holds_role_in(agency: Agency, user: Any) -> bool:
    """Whether ``user`` holds an active role in ``agency`` now."""
    return Membership.objects.filter(agency=agency, user=user, active=True).exists()


def has_second_factor(user: Any) -> bool:
    """Whether ``user`` has an authenticator app or recovery codes an admin could reset."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).exists()


def officer_history(agency: Agency, user: Any) -> list[Any]:
    """What ``agency`` itself recorded about ``user`` as its officer, oldest first: roles
    given and removed, second factor reset. Nothing another agency did."""
    from goodgov.ledger.models import Event

    memberships = [
        str(pk)
        for pk in Membership.objects.filter(agency=agency, user=user).values_list("pk", flat=True)
    ]
    return list(
        Event.objects.filter(agency=agency)
        .filter(
            Q(
                subject_type=Membership._meta.label_lower,
                subject_id__in=memberships,
                action__in=["membership.granted", "membership.revoked"],
            )
            | Q(
                subject_type=user._meta.label_lower,
                subject_id=str(user.pk),
                action="officer.second_factor_reset",
            )
        )
        .select_related("actor")
        .order_by("id")
    )
