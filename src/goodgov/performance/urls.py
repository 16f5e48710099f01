from django.urls import include, path

from goodgov.performance import cost_views, views

app_name = "performance"
urlpatterns = [
    path("", views.index, name="index"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
    path("plans/", include("goodgov.performance.plan_urls")),
    path("costs/<slug:code>/", cost_views.agency_costs, name="costs"),
]
