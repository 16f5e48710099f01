"""Plans, targets and results, under ``/performance/plans/``."""

from django.urls import path

from goodgov.performance import plan_views as views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("agency/<slug:code>/", views.agency_plans, name="agency"),
    path("agency/<slug:code>/new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/objectives/new/", views.objective_add, name="objective_add"),
    path("<int:plan_id>/approvals/", views.approvals, name="approvals"),
    path("<int:plan_id>/reports/<int:year>/<slug:period>/", views.report, name="report"),
    path(
        "<int:plan_id>/reports/<int:year>/<slug:period>.pdf",
        views.report_pdf,
        name="report_pdf",
    ),
    path("objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "objectives/<int:objective_id>/indicators/new/",
        views.indicator_add,
        name="indicator_add",
    ),
    path("indicators/<int:indicator_id>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:indicator_id>/targets/", views.targets, name="targets"),
    path("indicators/<int:indicator_id>/values/new/", views.value_enter, name="value_enter"),
    path("values/<int:value_id>/approve/", views.value_approve, name="value_approve"),
]
