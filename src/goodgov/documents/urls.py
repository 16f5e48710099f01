from django.urls import path

from goodgov.documents import views

app_name = "documents"
urlpatterns = [
    path("evidence/<uuid:evidence_id>/", views.evidence, name="evidence"),
]
