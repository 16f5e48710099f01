from django.urls import path

from bare.views import submit

urlpatterns = [path("submit", submit)]
