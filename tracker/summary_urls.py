"""Weekly progress summaries and the weekly PEG questions."""

from django.urls import path

from tracker.views import summaries

app_name = "summaries"

urlpatterns = [
    path("", summaries.summary_list, name="list"),
    path("<int:pk>/", summaries.summary_detail, name="detail"),
    path("peg/", summaries.peg, name="peg"),
    path("schedule/", summaries.schedule, name="schedule"),
]
