"""The notifications list, preferences and push subscriptions."""

from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_all_as_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("push/key/", views.vapid_public_key, name="vapid_public_key"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
]
