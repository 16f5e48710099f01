from django.urls import path

from goodgov.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:document_id>/download/", views.download, name="download"),
    path("office/", views.office, name="office"),
    path("office/<uuid:document_id>/revoke/", views.revoke, name="revoke"),
    path("evidence/<uuid:evidence_id>/", views.evidence, name="evidence"),
]
