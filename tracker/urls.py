from django.urls import path

from tracker.views import (
    entries,
    exercises,
    history,
    my_data,
    notification_settings,
    pages,
    profile,
    sync,
)

app_name = "tracker"

urlpatterns = [
    path("onboarding/", profile.onboarding, name="onboarding"),
    path("today/", entries.today, name="today"),
    path("log/<str:day>/", entries.log_day, name="log_day"),
    path("entries/<int:pk>/", entries.edit_entry, name="edit_entry"),
    path("entries/<int:pk>/delete/", entries.confirm_delete_entry, name="delete_entry"),
    path("entries/sync/", sync.sync_entry, name="sync_entry"),
    path("history/", history.history, name="history"),
    path("my-data/", my_data.my_data, name="my_data"),
    path("my-data/export.json", my_data.export_json, name="export_json"),
    path("my-data/export.csv", my_data.export_csv, name="export_csv"),
    path("my-data/import/", my_data.import_diary, name="import"),
    path("my-data/delete-account/", my_data.delete_account, name="delete_account"),
    path("self-care/", pages.self_care, name="self_care"),
    path("exercises/", exercises.my_exercises, name="my_exercises"),
    path("exercises/choose/", exercises.choose_exercises, name="choose_exercises"),
    path("exercises/<int:pk>/accept/", exercises.accept_plan, name="accept_plan"),
    path("exercises/<int:pk>/end/", exercises.end_plan, name="end_plan"),
    path(
        "settings/notifications/",
        notification_settings.notification_settings,
        name="notification_settings",
    ),
]
