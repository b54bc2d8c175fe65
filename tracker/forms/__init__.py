"""The journal's forms: the daily entry, and the profile with the reminder settings."""
