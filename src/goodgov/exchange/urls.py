"""Machine endpoints (no language prefix): ``/exchange/node`` and ``/exchange/<service>/<method>``."""

from django.urls import path

from goodgov.exchange import views

app_name = "exchange"
urlpatterns = [
    path("node", views.node, name="node"),
    path("<slug:service>/<slug:method>", views.serve, name="serve"),
]
