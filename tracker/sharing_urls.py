"""The patient's side of sharing: invite, consent, revoke, access log."""

from django.urls import path

from tracker.views import sharing

app_name = "sharing"

urlpatterns = [
    path("", sharing.overview, name="overview"),
    path("new/", sharing.new_share, name="new"),
    path("shares/<int:share_id>/stop/", sharing.revoke, name="revoke"),
    path(
        "invitations/<int:invitation_id>/cancel/",
        sharing.cancel_invitation,
        name="cancel_invitation",
    ),
    path("codes/<int:code_id>/cancel/", sharing.cancel_code, name="cancel_code"),
]
