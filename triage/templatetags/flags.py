"""A flag's plain words in templates that hold only its code."""

from __future__ import annotations

from django import template

from triage.presentation import title_of

register = template.Library()


@register.filter
def flag_title(code: str) -> str:
    return title_of(code)
