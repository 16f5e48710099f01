from django.urls import path

from goodgov.cases import office_views as views

app_name = "office"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<uuid:case_id>/", views.case, name="case"),
    path("cases/<uuid:case_id>/claim/", views.claim, name="claim"),
    path("cases/<uuid:case_id>/request-info/", views.request_info, name="request_info"),
    path("cases/<uuid:case_id>/approve/", views.approve, name="approve"),
    path("cases/<uuid:case_id>/reject/", views.reject, name="reject"),
    path("counter/", views.counter, name="counter"),
    path("counter/start/", views.counter_start, name="counter_start"),
]
