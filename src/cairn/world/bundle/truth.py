"""The ground-truth resources written beside a bundle in `truth/`: never imported, only scored."""

from __future__ import annotations

from cairn.world.bundle.schema import (
    ForeignKey,
    ResourceSchema,
    choice,
    day,
    identifier,
    text,
)

ENTITY_KINDS = ("person", "phone", "vehicle", "location")
PERSON_ROLES = (
    "child",
    "offender",
    "relative",
    "innocent_adult",
    "namesake",
    "professional",
)
CHILD_STATUSES = ("exploited", "at_risk", "not_exploited")

TRUTH_RESOURCES: list[ResourceSchema] = [
    ResourceSchema(
        "entities",
        "True entities",
        "Every real (synthetic) person, phone, vehicle and place in the world.",
        (
            identifier("entity_id", "The entity's true identifier"),
            choice("kind", "Person, phone, vehicle or location", ENTITY_KINDS),
            text("role", "For people, their true part; for places, the kind of place"),
            text("given_name", "A person's true given name"),
            text("family_name", "A person's true family name"),
            text("nicknames", "Every nickname the person is known by, separated by '|'"),
            day("date_of_birth", "A person's true date of birth"),
            text("sex", "A person's true sex"),
            text("value", "A phone's number, a vehicle's plate, make, model and colour, a place"),
            text("home_id", "The location entity where a person lives"),
            text("area", "The area the entity belongs to"),
        ),
        ("entity_id",),
    ),
    ResourceSchema(
        "mentions",
        "The truth behind every mention",
        "For every bundle row that refers to a person, phone, vehicle or place: who or what it is.",
        (
            text("resource", "The bundle resource", required=True),
            identifier("record_id", "The row's identifier in that resource"),
            identifier("entity_id", "The true entity"),
        ),
        ("resource", "record_id"),
        (ForeignKey("entity_id", "entities", "entity_id"),),
    ),
    ResourceSchema(
        "networks",
        "Offender networks",
        "Every offender group: when it was active, where and with which cars.",
        (
            identifier("network_id", "The network's identifier"),
            text("area", "Where it operated", required=True),
            day("active_from", "When it started", required=True),
            day("active_to", "When it stopped", required=True),
            text("venue_ids", "Location entities it used, separated by '|'"),
            text("vehicle_ids", "Vehicle entities it used, separated by '|'"),
        ),
        ("network_id",),
    ),
    ResourceSchema(
        "network_members",
        "Network members",
        "Every offender in each network, and every child it exploited.",
        (
            identifier("network_id", "The network"),
            identifier("entity_id", "The person"),
            choice("member_type", "Offender or child", ("offender", "child")),
            text("role", "Organiser, driver, recruiter, associate, or victim"),
            day("from_date", "When they became involved"),
            day("to_date", "When their involvement ended"),
        ),
        ("network_id", "entity_id"),
        (
            ForeignKey("network_id", "networks", "network_id"),
            ForeignKey("entity_id", "entities", "entity_id"),
        ),
    ),
    ResourceSchema(
        "children",
        "Children's true status",
        "Every young person: whether they were truly exploited, by which network, and when.",
        (
            identifier("entity_id", "The child"),
            identifier("young_person_id", "Their record in the bundle"),
            choice(
                "status", "Exploited, at risk but not exploited, or not exploited", CHILD_STATUSES
            ),
            text("network_id", "The network that exploited them"),
            day("exploited_from", "When exploitation began"),
            day("exploited_to", "When it ended"),
        ),
        ("entity_id",),
        (
            ForeignKey("entity_id", "entities", "entity_id"),
            ForeignKey("network_id", "networks", "network_id"),
        ),
    ),
]
