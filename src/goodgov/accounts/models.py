"""People who sign in: citizens, business representatives and officers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from goodgov.core import national_id


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        user = self.model(email=self.normalize_email(email) if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobile phone number"), max_length=20, unique=True, null=True, blank=True
    )
    phone_verified = models.BooleanField(default=False)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(max_length=8, default="th")
    # The ciphertext (AES-GCM, see ``core.national_id``): a query, ``values()`` or a
    # database dump shows only that; ``national_id`` decrypts it.
    national_id_encrypted = models.TextField(blank=True, default="", editable=False)
    national_id_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # A national ID the person gave themselves (online sign-up) and nobody has checked
    # against their ID card yet: shown to them, never trusted. No registry, consent or
    # record of data use is reached through it, and a counter finds it only to have it
    # confirmed (``accounts.services.person_national_id_confirm``). Several accounts may
    # claim one ID; only the confirmed one holds ``national_id_hash``.
    national_id_claim_encrypted = models.TextField(blank=True, default="", editable=False)
    national_id_claim_hash = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    fictional = models.BooleanField(
        default=False, help_text=_("Demo data: this person does not exist.")
    )
    # Part of the session hash (below): raising it ends every session this person has
    # open, as a password change does, and keeps their password
    # (``accounts.services.user_end_sessions``).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"user {self.pk}"

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A full save of a user read before :func:`~goodgov.accounts.services.user_end_sessions`
        must not write the old generation back, which would open the ended sessions
        again: the generation only goes up."""
        if kwargs.get("update_fields") is None and self.pk and not self._state.adding:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("session_generation", flat=True)
                .first()
            )
            if stored is not None and stored > self.session_generation:
                self.session_generation = stored
        super().save(*args, **kwargs)

    # Sessions: Django keeps an HMAC of the password in each session and ends the session
    # when it no longer matches. The generation joins the password in it once raised, so
    # that sessions opened before can be ended too; at 0 the hash is Django's own.
    def _session_hash(self, secret: Any = None) -> str:
        if not self.session_generation:
            return str(super()._get_session_auth_hash(secret=secret))  # type: ignore[misc]
        return salted_hmac(
            "goodgov.accounts.User.session_hash",
            f"{self.password}\x00{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    # National ID: stored encrypted, looked up by keyed hash.
    def set_national_id(self, value: str) -> None:
        """The person's national ID, checked against their ID card (at a counter, or by
        a national digital ID): trusted from now on. Replaces any claim."""
        digits = national_id.clean(value)
        self.national_id_encrypted = national_id.encrypt_text(digits)
        self.national_id_hash = national_id.lookup_hash(digits)
        self.national_id_claim_encrypted = ""
        self.national_id_claim_hash = ""

    def claim_national_id(self, value: str) -> None:
        """A national ID the person typed themselves, not checked: kept as a claim only
        (see ``national_id_claim_encrypted``)."""
        digits = national_id.clean(value)
        self.national_id_claim_encrypted = national_id.encrypt_text(digits)
        self.national_id_claim_hash = national_id.lookup_hash(digits)

    @property
    def national_id_claimed(self) -> str:
        """The national ID the person gave and nobody has checked yet, or ""."""
        if not self.national_id_claim_encrypted:
            return ""
        return national_id.decrypt_text(self.national_id_claim_encrypted)

    @property
    def national_id_claimed_display(self) -> str:
        claimed = self.national_id_claimed
        return national_id.display(claimed) if claimed else ""

    @property
    def national_id(self) -> str:
        if not self.national_id_encrypted:
            return ""
        return national_id.decrypt_text(self.national_id_encrypted)

    @property
    def national_id_masked(self) -> str:
        return national_id.masked(self.national_id) if self.national_id else ""

    @property
    def national_id_display(self) -> str:
        return national_id.display(self.national_id) if self.national_id else ""
