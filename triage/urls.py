from django.urls import path

from triage import views

app_name = "triage"

urlpatterns = [
    path("flags/", views.my_flags, name="my_flags"),
    path("flags/<int:pk>/acknowledge/", views.acknowledge_finding, name="acknowledge"),
    path("flags/profile/<str:code>/checked/", views.mark_checked, name="mark_checked"),
    path("flags/profile/<str:code>/unchecked/", views.undo_checked, name="undo_checked"),
    path("how-triage-works/", views.how_it_works, name="how_it_works"),
]
