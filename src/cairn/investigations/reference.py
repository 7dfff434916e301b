"""Reference data the code needs by name: evidence type codes and the bundle's mapping to them."""

from __future__ import annotations

ABE_INTERVIEW = "abe_interview"
ANPR = "anpr"
CALL_DATA = "call_data"
VENUE_RECORDS = "venue_records"

# The bundle's EVIDENCE_TYPES (world/bundle/vocabularies.py) to Cairn's evidence type codes
# (migration 0002). Hotel registers and taxi records are both venue records.
BUNDLE_EVIDENCE_TYPES: dict[str, str] = {
    "abe_interview": ABE_INTERVIEW,
    "witness_statement": "witness_statement",
    "phone_download": "device_download",
    "call_data_records": CALL_DATA,
    "cctv": "cctv",
    "anpr": ANPR,
    "hotel_register": VENUE_RECORDS,
    "taxi_records": VENUE_RECORDS,
    "social_media": "social_media",
    "forensic": "forensic",
    "medical": "medical",
    "bank_records": "financial_records",
}
