"""Two URL namespaces: the patient's side of sharing (`sharing:`: invite, consent, revoke,
access log) and the physiotherapist's pages (`physio:`: caseload, one patient's review,
exports). `config.urls` mounts them under /sharing/ and /physio/."""

from django.urls import path

from sharing.views import patient, physio, plans

patient_urls = (
    [
        path("", patient.overview, name="overview"),
        path("new/", patient.new_share, name="new"),
        path("shares/<int:share_id>/stop/", patient.revoke, name="revoke"),
        path(
            "invitations/<int:invitation_id>/cancel/",
            patient.cancel_invitation,
            name="cancel_invitation",
        ),
        path("codes/<int:code_id>/cancel/", patient.cancel_code, name="cancel_code"),
    ],
    "sharing",
)

physiotherapist_urls = (
    [
        path("", physio.caseload_page, name="caseload"),
        path("code/", physio.redeem_code, name="redeem_code"),
        path("invitations/<int:invitation_id>/accept/", physio.accept_invitation, name="accept"),
        path("invitations/<int:invitation_id>/decline/", physio.decline_invitation, name="decline"),
        path("patients/<int:patient_id>/", physio.review, name="review"),
        path("patients/<int:patient_id>/note/", physio.save_note, name="save_note"),
        path(
            "patients/<int:patient_id>/flags/<str:code>/check/",
            physio.check_flag,
            name="check_flag",
        ),
        path(
            "patients/<int:patient_id>/flags/<str:code>/undo/", physio.undo_check, name="undo_check"
        ),
        path(
            "patients/<int:patient_id>/findings/<int:finding_id>/acknowledge/",
            physio.acknowledge_finding,
            name="acknowledge",
        ),
        path("patients/<int:patient_id>/plans/new/", plans.new_plan, name="new_plan"),
        path(
            "patients/<int:patient_id>/plans/<int:plan_id>/change/",
            plans.change_plan,
            name="change_plan",
        ),
        path("patients/<int:patient_id>/plans/<int:plan_id>/end/", plans.end_plan, name="end_plan"),
        path("patients/<int:patient_id>/export.pdf", physio.export_pdf, name="export_pdf"),
        path("patients/<int:patient_id>/export.csv", physio.export_csv, name="export_csv"),
        path(
            "patients/<int:patient_id>/export_exercises.csv",
            physio.export_exercise_log,
            name="export_exercise_log",
        ),
        path("patients/<int:patient_id>/export.json", physio.export_fhir, name="export_fhir"),
    ],
    "physio",
)
