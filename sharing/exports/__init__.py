"""What a physiotherapist takes away from a shared diary: a one-page PDF, a CSV of the
entries (written by `tracker.spreadsheet`, as the patient's own export is) and a FHIR R4B
Bundle. All three read the same `PatientRecord`, so they show the same period, the same
findings and (only when the patient chose so) the same notes."""
