from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("tracker.urls")),
    path("", include("triage.urls")),
    path("notifications/", include("notify.urls")),
    path("sharing/", include("tracker.sharing_urls")),
    path("physio/", include("tracker.physio_urls")),
    path("summaries/", include("tracker.summary_urls")),
    path("admin/", admin.site.urls),
]
