"""What the database itself guarantees for investigations."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from cairn.investigations.models import LineOfEnquiry, LineOfEnquiryKind
from cairn.investigations.tests.factories import InvestigationFactory, SuspectFactory

pytestmark = pytest.mark.django_db


def test_a_line_of_enquiry_with_no_suspect_cannot_be_stored_twice() -> None:
    investigation = InvestigationFactory()
    line = {"investigation": investigation, "kind": LineOfEnquiryKind.VENUE_RECORDS}
    LineOfEnquiry.objects.create(**line, subject_key="location:7")
    with pytest.raises(IntegrityError), transaction.atomic():
        LineOfEnquiry.objects.create(**line, subject_key="location:7")
    LineOfEnquiry.objects.create(**line, subject_key="location:8")
    assert LineOfEnquiry.objects.filter(investigation=investigation).count() == 2


def test_the_same_subject_may_be_a_line_for_each_suspect_and_once_for_none() -> None:
    investigation = InvestigationFactory()
    first, second = SuspectFactory.create_batch(2, investigation=investigation)
    line = {"investigation": investigation, "kind": LineOfEnquiryKind.ANPR, "subject_key": "v:1"}
    for suspect in (first, second, None):
        LineOfEnquiry.objects.create(**line, suspect=suspect)
    with pytest.raises(IntegrityError), transaction.atomic():
        LineOfEnquiry.objects.create(**line, suspect=first)
    assert LineOfEnquiry.objects.filter(investigation=investigation).count() == 3
