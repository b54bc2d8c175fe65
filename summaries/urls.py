"""Weekly progress summaries and the weekly PEG questions."""

from django.urls import path

from summaries import views

app_name = "summaries"

urlpatterns = [
    path("", views.summary_list, name="list"),
    path("<int:pk>/", views.summary_detail, name="detail"),
    path("peg/", views.peg, name="peg"),
    path("schedule/", views.schedule, name="schedule"),
]
