from django.contrib import admin
from django.urls import include, path

import sharing.urls
from config import pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/entry/", pwa.offline_entry, name="offline_entry"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("", include("tracker.urls")),
    path("", include("triage.urls")),
    path("notifications/", include("notify.urls")),
    path("sharing/", include(sharing.urls.patient_urls)),
    path("physio/", include(sharing.urls.physiotherapist_urls)),
    path("summaries/", include("summaries.urls")),
    path("admin/", admin.site.urls),
]
