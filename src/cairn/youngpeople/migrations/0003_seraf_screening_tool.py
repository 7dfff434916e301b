"""Reference data: version 1 of the CSE screening tool, derived from SERAF (Barnardo's Cymru, 2007).

Source: shared/domain/reference.md, "Risk assessment". Administrators change the tool by making a
new version in Cairn; this migration is never edited.
"""

from django.db import migrations
from django.utils import timezone

TOOL = {
    "name": "CSE screening tool (SERAF-derived)",
    "version": 1,
    "source": (
        "Sexual Exploitation Risk Assessment Framework (SERAF), Barnardo's Cymru, 2007, as adapted "
        "by local screening tools: vulnerabilities and moderate indicators 1 point each; significant "
        "indicators 5 points if current (last 6 months), 1 if 6-12 months ago, 6 if both. Bands 0-5 "
        "not at risk, 6-10 mild, 11-15 moderate, 16+ significant. Review at least every 3 months."
    ),
    "bands": [
        {"band": "not_at_risk", "min_score": 0},
        {"band": "mild", "min_score": 6},
        {"band": "moderate", "min_score": 11},
        {"band": "significant", "min_score": 16},
    ],
    "rules": [
        {
            "code": "significant_indicator_13_or_under",
            "kind": "significant_indicator_at_or_under_age",
            "params": {"max_age": 13, "band": "significant"},
            "enabled": True,
            "description": "Any single significant indicator in a child aged 13 or under counts "
            "as high risk (significant).",
        },
        {
            "code": "under_13_or_learning_disability_never_low",
            "kind": "young_or_learning_disability_floor",
            "params": {"under_age": 13, "band": "moderate"},
            "enabled": True,
            "description": "A child under 13, or with a learning disability, is never rated not at "
            "risk or mild when any indicator is present.",
        },
    ],
    "review_interval_days": 91,
}

VULNERABILITIES = [
    ("emotional_neglect", "Emotional neglect"),
    ("physical_abuse", "Physical abuse"),
    ("sexual_abuse", "Sexual abuse"),
    ("family_breakdown", "Family breakdown"),
    ("family_history", "Family history of domestic abuse, substance misuse or mental ill-health"),
    ("low_self_esteem", "Low self-esteem"),
    ("unsuitable_accommodation", "Unsuitable accommodation"),
    ("isolation_from_peers", "Isolation from peers"),
    ("no_protective_adult", "No protective adult"),
]
MODERATE = [
    ("staying_out_late", "Staying out late"),
    ("unknown_callers", "Multiple unknown callers"),
    ("worrying_phone_internet_use", "Worrying phone or internet use"),
    (
        "expressions_of_despair",
        "Expressions of despair (self-harm, overdose, eating disorder, aggression)",
    ),
    ("not_in_education", "Exclusion, absence, or not in education, training or work"),
    ("disclosure_then_withdrawal", "Disclosure of assault, then withdrawal"),
    ("sexually_transmitted_infections", "Sexually transmitted infections"),
    ("peers_involved", "Peers involved in exploitation"),
    ("drug_misuse", "Drug misuse"),
    ("alcohol_misuse", "Alcohol misuse"),
    ("independent_not_responding", "Living independently and not responding to workers"),
]
SIGNIFICANT = [
    ("going_missing", "Going missing"),
    ("controlling_adult", "Relationship with a controlling adult or older 'boyfriend'"),
    ("cars_unknown_adults", "Getting into cars driven by unknown adults"),
    ("unexplained_gifts", "Unexplained money, clothes, phones or credit"),
    ("places_known_for_exploitation", "Hanging around places known for exploitation"),
    ("online_grooming", "Online grooming"),
    ("hotels_taxis_takeaways", "Unexplained contact with hotels, taxis or takeaways"),
    ("repeat_infections_terminations", "Repeat infections or terminations"),
]


def create_tool(apps, schema_editor):
    RiskTool = apps.get_model("youngpeople", "RiskTool")
    RiskIndicator = apps.get_model("youngpeople", "RiskIndicator")
    tool = RiskTool.objects.create(**TOOL, status="published", published_at=timezone.now())
    rows = []
    for group, items in (
        ("vulnerability", VULNERABILITIES),
        ("moderate", MODERATE),
        ("significant", SIGNIFICANT),
    ):
        for position, (code, label) in enumerate(items):
            rows.append(
                RiskIndicator(tool=tool, code=code, group=group, label=label, position=position)
            )
    RiskIndicator.objects.bulk_create(rows)


def remove_tool(apps, schema_editor):
    RiskTool = apps.get_model("youngpeople", "RiskTool")
    RiskTool.objects.filter(name=TOOL["name"], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("youngpeople", "0002_case_record_referral_risk_missing_plans")]

    operations = [migrations.RunPython(create_tool, remove_tool)]
