from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("tracker.urls")),
    path("", include("triage.urls")),
    path("admin/", admin.site.urls),
]
