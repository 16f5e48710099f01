from django.urls import path

from goodgov.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("ita/<slug:code>/<int:year>/", views.ita, name="ita"),
    path("ita/<slug:code>/<int:year>/<slug:item>/", views.ita_answer, name="ita_answer"),
]
