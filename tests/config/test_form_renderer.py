"""The Python-built widgets give byte for byte the HTML of the templates they replace: for
every widget of every form of the project, with the values a person could send."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.forms.boundfield import BoundWidget
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from config.form_renderer import PythonWidgetRenderer

FORM_MODULES = (
    "accounts.forms", "tracker.entry_forms", "tracker.profile_forms", "tracker.summary_forms",
    "tracker.views.my_data", "tracker.views.sharing", "tracker.views.physio", "notify.forms",
)  # fmt: skip
AWKWARD = "<b>\"Tom\" & 'Jerry'</b>"

FAST = PythonWidgetRenderer()
TEMPLATES = TemplatesSetting()


def project_forms() -> list[type[forms.Form | forms.ModelForm]]:
    for module in FORM_MODULES:
        importlib.import_module(module)

    def subclasses(cls: type[forms.BaseForm]) -> Iterator[type[forms.BaseForm]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {
        form
        for form in subclasses(forms.BaseForm)
        if issubclass(form, forms.Form | forms.ModelForm)
        and form.__module__.split(".")[0] in {"accounts", "tracker", "triage", "notify"}
    }
    return sorted(found, key=lambda form: form.__qualname__)


def widgets() -> list[tuple[str, str, forms.Widget]]:
    return [
        (form.__name__, name, field.widget)
        for form in project_forms()
        for name, field in form.base_fields.items()
    ]


def values_for(widget: forms.Widget) -> list[Any]:
    values: list[Any] = [None, "", AWKWARD, 7, dt.date(2026, 11, 24)]
    choices = [value for value, _ in getattr(widget, "choices", [])]
    values += choices[:3]
    if choices:
        values.append([str(choice) for choice in choices[:2]])
    return values


ATTRS: tuple[dict[str, Any], ...] = (
    {"id": "id_field"},
    {},
    {"id": "id_field", "required": True, "aria-invalid": "true", "disabled": False},
    {"id": "x\"'<>", "class": "wide", "aria-describedby": "id_field_error"},
)


def by_templates(widget: forms.Widget, name: str, value: Any, attrs: dict) -> str:
    context = widget.get_context(name, value, attrs)
    assert widget.template_name is not None
    return mark_safe(TEMPLATES.render(widget.template_name, context))


def assert_same(widget: forms.Widget, name: str, value: Any, attrs: dict) -> None:
    attrs = dict(attrs)
    assert widget.render(name, value, attrs, renderer=FAST) == by_templates(
        widget, name, value, attrs
    )
    if hasattr(widget, "subwidgets") and getattr(widget, "choices", None):
        for option in widget.subwidgets(name, value, attrs):
            fast, slow = BoundWidget(widget, option, FAST), BoundWidget(widget, option, TEMPLATES)
            assert fast.tag(wrap_label=True) == slow.tag(wrap_label=True)
            assert fast.tag() == slow.tag()


def test_the_project_has_forms_to_check() -> None:
    names = {form.__name__ for form in project_forms()}
    assert {"EntryForm", "SignUpForm"} <= names
    kinds = {type(widget).__name__ for _, _, widget in widgets()}
    assert {"ScaleWidget", "ChipsWidget", "RadioSelect", "Textarea", "DateInput"} <= kinds


@pytest.mark.parametrize(
    ("form", "name", "widget"),
    widgets(),
    ids=[f"{form}.{name}" for form, name, _ in widgets()],
)
def test_every_widget_renders_as_its_template_does(form: str, name: str, widget) -> None:
    for value in values_for(widget):
        for attrs in ATTRS:
            assert_same(widget, name, value, attrs)


@given(
    value=st.one_of(st.none(), st.text(), st.integers(), st.lists(st.text(), max_size=3)),
    attr_value=st.one_of(st.booleans(), st.text(), st.integers()),
    attr_name=st.text(alphabet="abcdefghij-_<\"'&", min_size=1, max_size=8),
)
def test_any_value_and_attribute_renders_as_the_templates_do(
    value: Any, attr_value: Any, attr_name: str
) -> None:
    attrs = {"id": "id_x", attr_name: attr_value}
    for widget in (
        forms.TextInput(),
        forms.NumberInput(),
        forms.CheckboxInput(),
        forms.Textarea(),
        forms.HiddenInput(),
        forms.RadioSelect(choices=[("a", AWKWARD), ("", "none"), (3, "three")]),
        forms.CheckboxSelectMultiple(choices=[("a", "A"), ("b", AWKWARD)]),
    ):
        assert_same(widget, "field", value, attrs)


def test_grouped_choices_render_as_the_templates_do() -> None:
    widget = forms.RadioSelect(choices=[("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")])
    for value in (None, "a", "c"):
        assert_same(widget, "grouped", value, {"id": "id_grouped", "class": "tight"})


def test_a_template_it_does_not_build_still_comes_from_the_templates() -> None:
    widget = forms.Select(choices=[("a", "A")])
    assert widget.render("pick", "a", {"id": "id_pick"}, renderer=FAST) == by_templates(
        widget, "pick", "a", {"id": "id_pick"}
    )
