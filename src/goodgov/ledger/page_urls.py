"""The public ledger's pages for people, in every language (``i18n_patterns``).

The machine endpoints (checkpoint, key, tiles, proofs) are in :mod:`goodgov.ledger.urls`,
mounted once at ``/ledger/`` outside the language prefixes; these paths do not clash
with theirs.
"""

from django.urls import path

from goodgov.ledger import pages

app_name = "ledger_pages"
urlpatterns = [
    path("", pages.index, name="index"),
    path("entry/<int:index>", pages.entry, name="entry"),
    path("verify", pages.verify, name="verify"),
]
