"""Form widgets rendered in Python: exactly the HTML of Django's own widget templates, at a
fraction of the cost.

Rendering a form spends most of its time in the template engine, one small template (and
its `attrs.html` include) per input and per option: the entry form's 29 widgets took
about 40% of the CPU of saving an entry. `PythonWidgetRenderer` builds the inputs, options
and text areas of Django's templates in Python instead, and hands every other template
(including any a project overrides) to the template engine as before.

The HTML is byte for byte what the templates produce; `tests/test_form_renderer.py`
renders every widget of every form both ways and compares them. The builders follow the
templates' semantics: `{{ x }}` localises and escapes, `|stringformat:'s'` formats and
escapes, an attribute set to True is bare and one set to False is left out.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs

Widget = Mapping[str, Any]


def text(value: Any) -> str:
    """`{{ value }}`: localised, then escaped unless already safe."""
    if type(value) is str:  # the usual case: Django's escape, without its lazy-text check
        return html.escape(value)
    if not isinstance(value, str):
        value = localize(template_localtime(value))
    return conditional_escape(value)


def formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: a safe value stays as it is (the filter is_safe)."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, tuple):
        value = str(value)
    try:
        value = "%s" % value  # noqa: UP031 - exactly what the filter does
    except (ValueError, TypeError):
        return ""
    return html.escape(value)


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Each builder returns what its template renders, trailing newline included (an include
# keeps it); the renderer strips the whole, as Django's renderers do.


def input_html(widget: Widget) -> str:
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{formatted(widget["value"])}"'
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}'
        f"{attrs_html(widget['attrs'])}>\n"
    )


def input_option_html(widget: Widget) -> str:
    """django/forms/widgets/input_option.html"""
    if not widget.get("wrap_label"):
        return f"{input_html(widget)}\n"
    label_id = widget["attrs"].get("id")
    label_for = f' for="{text(label_id)}"' if label_id else ""
    return f"<label{label_for}>{input_html(widget)} {text(widget['label'])}</label>\n"


def textarea_html(widget: Widget) -> str:
    """django/forms/widgets/textarea.html"""
    value = text(widget["value"]) if widget["value"] else ""
    attrs = attrs_html(widget["attrs"])
    return f'<textarea name="{text(widget["name"])}"{attrs}>\n{value}</textarea>\n'


def included(build: Callable[[Widget], str]) -> Callable[[Widget], str]:
    """A template that is one `{% include %}` and a newline, as most of Django's are."""
    return lambda widget: f"{build(widget)}\n"


class PythonWidgetRenderer(TemplatesSetting):
    """The project's form renderer: Python for Django's input widgets, templates for the rest."""

    def __init__(self) -> None:
        super().__init__()
        input_templates = (
            "text", "number", "email", "url", "password", "hidden", "date", "datetime",
            "time", "search", "tel", "color", "checkbox",
        )  # fmt: skip
        self.builders: dict[str, Callable[[Widget], str]] = {
            f"django/forms/widgets/{name}.html": included(input_html) for name in input_templates
        }
        self.builders |= {
            "django/forms/widgets/input.html": input_html,
            "django/forms/widgets/input_option.html": input_option_html,
            "django/forms/widgets/radio_option.html": included(input_option_html),
            "django/forms/widgets/checkbox_option.html": included(input_option_html),
            "django/forms/widgets/textarea.html": textarea_html,
            "django/forms/widgets/multiple_input.html": self.multiple_input_html,
            "django/forms/widgets/radio.html": included(self.multiple_input_html),
            "django/forms/widgets/checkbox_select.html": included(self.multiple_input_html),
        }

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        build = self.builders.get(template_name)
        if build is None:
            return super().render(template_name, context, request)
        return SafeString(build(context["widget"]).strip())

    def option_html(self, option: Widget) -> str:
        """`{% include option.template_name with widget=option %}`"""
        build = self.builders.get(option["template_name"])
        if build is None:
            return get_template(option["template_name"]).render({"widget": option})
        return build(option)

    def multiple_input_html(self, widget: Widget) -> str:
        """django/forms/widgets/multiple_input.html"""
        widget_id, widget_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = [
            "<div",
            f' id="{text(widget_id)}"' if widget_id else "",
            f' class="{text(widget_class)}"' if widget_class else "",
            ">",
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{text(group)}</label>")
            parts.extend(f"<div>\n    {self.option_html(option)}</div>" for option in options)
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>\n")
        return "".join(parts)
