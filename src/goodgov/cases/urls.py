from django.urls import path

from goodgov.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/<slug:code>/", views.start, name="start"),
    path("<uuid:case_id>/", views.detail, name="detail"),
    path("<uuid:case_id>/edit/", views.edit, name="edit"),
    path("<uuid:case_id>/review/", views.review, name="review"),
    path("<uuid:case_id>/answer/", views.answer, name="answer"),
    path("<uuid:case_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:case_id>/rate/", views.rate, name="rate"),
    path("<uuid:case_id>/receipt/<int:index>/", views.receipt, name="receipt"),
]
