"""Reference data: the catalogue of evidence types and the Home Office crime outcome types.

Evidence types: issue 7, section 2. Which types rest on the child's own account follows
shared/domain/reference.md ("The problem Cairn exists for"): prosecution guidance since 2013
(CPS Guidelines on Prosecuting Cases of Child Sexual Abuse) asks for cases built by linking
evidence rather than by testing the child; the victim's Achieving Best Evidence interview is the
child's account (Youth Justice and Criminal Evidence Act 1999 s.27). Any other type becomes
dependent when its source is the child (the services derive that from the item's source).

Outcome types: shared/domain/reference.md, "Home Office crime outcome types"; 0, "not yet
assigned", is a placeholder that is never counted in totals.

This migration is never edited; later changes are new migrations.
"""

from django.db import migrations

GUIDANCE = (
    "Issue 7; CPS Guidelines on Prosecuting Cases of Child Sexual Abuse (2013), as summarised "
    "in shared/domain/reference.md"
)
ABE_SOURCE = (
    "Achieving Best Evidence in Criminal Proceedings (Ministry of Justice); Youth Justice and "
    "Criminal Evidence Act 1999 s.27"
)

# (code, name, description, depends on the child's account)
EVIDENCE_TYPES = [
    ("abe_interview", "Victim's ABE interview", "The child's video-recorded account", True),
    ("witness_statement", "Other witness statement", "A statement by another witness", False),
    ("professional_witness", "Professional witness", "What a professional saw or heard", False),
    ("cctv", "CCTV", "Camera footage", False),
    ("anpr", "ANPR", "Automatic number plate recognition reads of a vehicle", False),
    ("call_data", "Call data and cell-site", "Call records and where the phone was", False),
    ("device_download", "Device download", "The contents of a phone or computer", False),
    ("social_media", "Social media", "Messages, posts and accounts", False),
    ("financial_records", "Financial records", "Bank, card and payment records", False),
    ("forensic", "Forensic or DNA", "Forensic science, including DNA", False),
    ("medical", "Medical", "Medical examination and records", False),
    ("venue_records", "Hotel, taxi or takeaway records", "Registers, bookings, receipts", False),
    ("police_observation", "Police observation", "What officers saw", False),
    ("suspect_interview", "Suspect interview or admissions", "What the suspect said", False),
    ("bad_character", "Bad character", "Evidence of the suspect's bad character", False),
    ("previous_intelligence", "Previous intelligence", "Earlier intelligence reports", False),
]

OUTCOME_SOURCE = "Home Office crime outcome types, as listed in shared/domain/reference.md"
OUTCOME_TYPES = [
    (0, "Not yet assigned"),
    (1, "Charged or summonsed"),
    (2, "Youth caution"),
    (3, "Adult caution"),
    (4, "Taken into consideration"),
    (5, "Offender died"),
    (6, "Penalty notice for disorder"),
    (7, "Cannabis or khat warning"),
    (8, "Community resolution"),
    (9, "Prosecution not in the public interest (CPS)"),
    (10, "Formal action not in the public interest (police)"),
    (11, "Prosecution prevented: suspect under age"),
    (12, "Prosecution prevented: suspect too ill"),
    (13, "Prosecution prevented: victim or key witness dead or too ill"),
    (14, "Evidential difficulties: suspect not identified, victim does not support"),
    (15, "Evidential difficulties: suspect identified, victim supports action"),
    (16, "Evidential difficulties: suspect identified, victim does not support or has withdrawn"),
    (17, "Prosecution time limit expired"),
    (18, "Investigation complete: no suspect identified"),
    (19, "National Fraud Intelligence Bureau filed"),
    (20, "Action undertaken by another body or agency"),
    (21, "Further investigation not in the public interest (police decision)"),
    (22, "Diversionary, educational or intervention activity"),
]


def create_reference_data(apps, schema_editor):
    EvidenceType = apps.get_model("investigations", "EvidenceType")
    OutcomeType = apps.get_model("investigations", "OutcomeType")
    for position, (code, name, description, dependent) in enumerate(EVIDENCE_TYPES, start=1):
        EvidenceType.objects.create(
            code=code,
            name=name,
            description=description,
            depends_on_child_account=dependent,
            position=position,
            source=ABE_SOURCE if code == "abe_interview" else GUIDANCE,
        )
    for number, name in OUTCOME_TYPES:
        OutcomeType.objects.create(number=number, name=name, source=OUTCOME_SOURCE)


def remove_reference_data(apps, schema_editor):
    apps.get_model("investigations", "EvidenceType").objects.all().delete()
    apps.get_model("investigations", "OutcomeType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("investigations", "0001_investigations_evidence_outcomes")]

    operations = [migrations.RunPython(create_reference_data, remove_reference_data)]
