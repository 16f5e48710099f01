"""The public verification page, ``/verify/`` (``/en/verify/``): the QR code on every
issued document opens it with the code filled in."""

from django.urls import path

from goodgov.documents import views

app_name = "verify"
urlpatterns = [path("", views.verify, name="verify")]
