from django.urls import path

from goodgov.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("agency/<slug:code>/", views.agency, name="agency"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/privacy/", views.privacy_notice, name="privacy"),
]
