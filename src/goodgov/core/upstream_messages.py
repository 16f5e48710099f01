"""Django's messages that reach our users but that Django's Thai catalogue lacks.

Nothing imports this module: it exists so that ``makemessages`` copies these msgids
into ``goodgov/locale``, where they get their Thai (our LOCALE_PATHS catalogue wins over
Django's own). Each msgid must match Django's source exactly, curly apostrophes
included; ``tests/test_translations.py`` checks the Thai sign-up page shows them in Thai.
When Django's Thai catalogue gains one of them, delete it here.
"""

# ruff: noqa: RUF001  (Django's msgids use the typographic apostrophe U+2019)

from django.utils.translation import gettext_noop, ngettext_lazy

# django.contrib.auth.password_validation (settings.AUTH_PASSWORD_VALIDATORS).
PASSWORD_VALIDATION = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
)

# django.core.validators: max_length / min_length of the sign-in and sign-up fields.
LENGTH = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)

# django.forms.fields and django.core.validators: what a form field says when a form of
# ours gives it no message of its own. Django's Thai for these is missing ("Null
# characters…") or not in the register of the rest of the site ("ฟิลด์นี้จำเป็น").
FIELDS = (
    gettext_noop("This field is required."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid email address."),
)
