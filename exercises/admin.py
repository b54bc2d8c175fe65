"""The exercise library in the admin: an administrator adds exercises or edits their
words. Plans and logs are a person's health data and stay out of the admin."""

from __future__ import annotations

from django.contrib import admin

from exercises.models import Exercise


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "position")
    search_fields = ("name", "code")
    ordering = ("position", "name")
