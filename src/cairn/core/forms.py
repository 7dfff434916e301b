"""GOV.UK Design System styling for Django forms: classes, error state and the error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    # Fixed widths hint at the answer expected (GOV.UK "text input" guidance).
    "number": "govuk-input govuk-input--width-4",
    "date": "govuk-input govuk-input--width-10",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_CHOICE_WIDGETS = {"select", "selectmultiple", "radioselect", "checkboxselectmultiple", "checkbox"}
_OPEN_QUOTE, _CLOSE_QUOTE = "\N{LEFT SINGLE QUOTATION MARK}", "\N{RIGHT SINGLE QUOTATION MARK}"
_QUESTION_WORDS = ("why ", "what ", "how ", "when ", "who ", "which ", "where ")


def _required_message(field: forms.Field, name: str, widget_type: str) -> str:
    """GOV.UK style: say what to do ("Enter username"), never "This field is required",
    so each line of the error summary names its field."""
    label = str(field.label or name.replace("_", " ").capitalize())
    if label.endswith("?") or label.lower().startswith(_QUESTION_WORDS):
        return f"Answer the question {_OPEN_QUOTE}{label}{_CLOSE_QUOTE}"
    if len(label) > 1 and not label[:2].isupper():
        label = label[0].lower() + label[1:]
    verb = "Select" if widget_type in _CHOICE_WIDGETS else "Enter"
    return f"{verb} {label}".strip()


def _use_iso_format(widget: forms.Widget) -> None:
    """A browser's date and time pickers take ISO values whatever the locale shows, so a
    pre-filled date rendered as 28/02/2027 would appear empty."""
    if isinstance(widget, forms.DateTimeInput) and widget.input_type == "datetime-local":
        widget.format = "%Y-%m-%dT%H:%M"
    elif isinstance(widget, forms.DateInput) and widget.input_type == "date":
        widget.format = "%Y-%m-%d"


class GovukRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class GovukFormMixin:
    """Mix into a Form: every widget gets its GOV.UK class, and the error class when invalid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget_type = self[name].widget_type  # type: ignore[index]
            if field.error_messages.get("required") == _DJANGO_REQUIRED:
                field.error_messages["required"] = _required_message(field, name, widget_type)
            css = _INPUT_CLASSES.get(widget_type, "govuk-input")
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"
            _use_iso_format(field.widget)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            widget = self.fields[name].widget  # type: ignore[attr-defined]
            css = widget.attrs.get("class", "")
            base = css.split()[0] if css else ""
            if base in _ERROR_CLASSES:
                widget.attrs["class"] = f"{css} {_ERROR_CLASSES[base]}"
            described = f"id_{name}-error {widget.attrs.get('aria-describedby', '')}".strip()
            widget.attrs["aria-describedby"] = described


class GovukForm(GovukFormMixin, forms.Form):
    pass


def add_service_errors(form: forms.BaseForm, error: Exception) -> None:
    """Show a service's ValidationError on the form it came from (the GOV.UK error pattern)."""
    from django.core.exceptions import ValidationError

    if not isinstance(error, ValidationError):
        raise error
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
