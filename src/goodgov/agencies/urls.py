from django.urls import path

from goodgov.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/officers/", views.officers, name="officers"),
    path("<slug:code>/officers/add/", views.officer_add, name="officer_add"),
    path("<slug:code>/officers/<int:user_id>/", views.officer, name="officer"),
    path("<slug:code>/officers/<int:user_id>/grant/", views.role_grant, name="role_grant"),
    path("<slug:code>/officers/<int:user_id>/revoke/", views.role_revoke, name="role_revoke"),
    path(
        "<slug:code>/officers/<int:user_id>/second-factor/reset/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
]
