"""Subject access: everything Cairn holds about one young person, as JSON and as a PDF.

sections (every part of the record, as rows), disclosure (checking, gathering and auditing one
export) and pdf (rendering it).
"""

from cairn.youngpeople.export.disclosure import (
    FORMAT_VERSION,
    FORMATS,
    SubjectAccessExport,
    subject_access_export,
)
from cairn.youngpeople.export.pdf import no_fetching, render_pdf
from cairn.youngpeople.export.sections import RECORD_FIELDS, Section

__all__ = [
    "FORMATS",
    "FORMAT_VERSION",
    "RECORD_FIELDS",
    "Section",
    "SubjectAccessExport",
    "no_fetching",
    "render_pdf",
    "subject_access_export",
]
