"""The person's data tracker, under ``/me/data/`` (with the language prefix)."""

from django.urls import path

from goodgov.exchange import views

app_name = "data"
urlpatterns = [
    path("", views.data_tracker, name="tracker"),
    path("consents/<uuid:reference>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("export/", views.export, name="export"),
    path("export/my-data.json", views.export_json, name="export_json"),
    path("export/my-data.pdf", views.export_pdf, name="export_pdf"),
]
