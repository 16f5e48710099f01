"""The data protection officer's pages of an agency, under ``/dpo/<agency code>/``
(with the language prefix): the record of processing and the breach register."""

from django.urls import path

from goodgov.exchange import views

app_name = "dpo"
urlpatterns = [
    path("<slug:code>/ropa/", views.ropa_page, name="ropa"),
    path("<slug:code>/ropa.csv", views.ropa_csv, name="ropa_csv"),
    path("<slug:code>/breaches/", views.breaches, name="breaches"),
    path("<slug:code>/breaches/new/", views.breach_new, name="breach_new"),
    path("<slug:code>/breaches/<uuid:breach_id>/", views.breach_detail, name="breach"),
]
