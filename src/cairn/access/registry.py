"""Which models are person records behind need-to-know, looked up by their label."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model
from django.http import Http404


def person_record_model(label: str) -> type[Model]:
    """A model is a person record when it declares a REFERENCE_PREFIX (e.g. YP-000123)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise Http404("No such kind of record") from error
    if not hasattr(model, "REFERENCE_PREFIX"):
        raise Http404("No such kind of record")
    return model


def record_url(record: Model) -> str:
    get_url = getattr(record, "get_absolute_url", None)
    return get_url() if get_url else "/"
