"""The send budget must end before Celery's soft time limit could cut a send off."""

from __future__ import annotations

import datetime as dt

from notify.checks import send_budget_fits_the_time_limit


def test_the_default_budget_fits() -> None:
    assert send_budget_fits_the_time_limit() == []


def test_a_budget_that_the_soft_time_limit_could_cut_short_is_an_error(settings) -> None:
    settings.NOTIFY_SEND_BUDGET = dt.timedelta(seconds=230)  # + the 20 s mail timeout > 240 s
    settings.MAILERS = {"default": {"BACKEND": "smtp", "OPTIONS": {"timeout": 20}}}
    [error] = send_budget_fits_the_time_limit()
    assert error.id == "notify.E001"
    assert "soft time limit (240)" in error.msg
