from django.urls import path

from goodgov.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("language/", views.notice_language, name="notice_language"),
    path("sign-out-elsewhere/", views.sign_out_elsewhere, name="sign_out_elsewhere"),
]
