"""The network graph: which records tie people, phones, vehicles and places together.

A node is a (kind, id) pair naming a row of another app (a young person, a person entity, a
phone, a vehicle, a location, an event mention). Every source record (an intelligence report, a
missing episode, an incident, a young person's case record, or their record resolved to a person)
contributes a set of nodes (`SourceNode`); each pair of nodes in the same record is an `Edge`
that keeps the records behind it. Connected groups and their communities are computed from the
edges (`analysis.py`); each community is stored as a `Network` for the pages, with its
`NetworkNode`s.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class NodeKind(models.TextChoices):
    """What a node of the graph is (issue 6, section 1)."""

    YOUNG_PERSON = "young_person", "Young person"
    PERSON = "person", "Person"
    PHONE = "phone", "Phone"
    VEHICLE = "vehicle", "Vehicle"
    LOCATION = "location", "Location"
    EVENT = "event", "Event"


class SourceKind(models.TextChoices):
    """The records edges come from."""

    REPORT = "report", "Intelligence report"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    # An investigation's incident: its victims, its suspects and its place (issue 7).
    INCIDENT = "incident", "Investigation incident"
    # Entity resolution found a young person's own record and a person the reports name to be
    # the same child (linkage's `YoungPersonLink`): the link ties the child's record to what
    # the reports say about them, and goes when an analyst or key worker unlinks it.
    YOUNG_PERSON_LINK = "young_person_link", "Young person's record resolved to a person"
    # A young person's case record: their phone, their key contacts' phones and their
    # placements' addresses, matched to phones and places by the identifiers linkage uses.
    CASE_RECORD = "case_record", "Young person's case record"


class SourceNode(models.Model):
    """One node a source record contributes: the incidence the edges are built from.

    Ids are plain integers, not foreign keys, so a rebuild writes them in bulk; `at` and the
    grading are copied from the record so windowed analyses need one query.
    """

    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_id = models.BigIntegerField()
    node_kind = models.CharField(max_length=12, choices=NodeKind.choices)
    node_id = models.BigIntegerField()
    at = models.DateTimeField()
    # 3x5x2 source evaluation and intelligence assessment ("1A"); blank when not graded.
    grading = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["source_kind", "source_id"]),
            models.Index(fields=["node_kind", "node_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_kind} {self.source_id}: {self.node_kind} {self.node_id}"


class Edge(models.Model):
    """Two nodes named in the same records, with the records, dates, count and best grading.

    Stored once per pair, the smaller (kind, id) first.
    """

    first_kind = models.CharField(max_length=12, choices=NodeKind.choices)
    first_id = models.BigIntegerField()
    second_kind = models.CharField(max_length=12, choices=NodeKind.choices)
    second_id = models.BigIntegerField()
    report_ids = models.JSONField(default=list)
    missing_episode_ids = models.JSONField(default=list)
    incident_ids = models.JSONField(default=list)
    young_person_link_ids = models.JSONField(default=list)
    case_record_ids = models.JSONField(default=list)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    count = models.PositiveIntegerField()
    # The best 3x5x2 grading among the records ("1A" best); blank when none was graded.
    best_grading = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_kind", "first_id", "second_kind", "second_id"], name="one_edge"
            )
        ]
        indexes = [models.Index(fields=["second_kind", "second_id"])]

    def __str__(self) -> str:
        return f"{self.first_kind} {self.first_id} - {self.second_kind} {self.second_id}"

    @property
    def sightings(self) -> int:
        """The records behind the link that say when something was seen (reports, missing
        episodes, incidents), leaving out young people's links and case records."""
        return self.count - len(self.young_person_link_ids) - len(self.case_record_ids)

    @property
    def best_source_evaluation(self) -> str:
        return self.best_grading[:1]

    @property
    def best_intelligence_assessment(self) -> str:
        return self.best_grading[1:2]


class Network(models.Model):
    """A network as analysts work with it, ranked for their list (issue 6, section 3): a Leiden
    community, the nodes more tied to one another than to the rest of their connected group.

    Busy venues and phones join most of a town into one connected group, which is no one
    network; the groups a network belongs to are kept (`connected_group`) so its page can say
    how many other networks some path joins it to.
    """

    REFERENCE_PREFIX = "NW"

    nodes = models.PositiveIntegerField()
    young_people = models.PositiveIntegerField()
    adults = models.PositiveIntegerField()
    # The connected group (component) in the latest rebuild, numbered from 0 by size, and how
    # many networks it holds (1 when this network is all of it).
    connected_group = models.PositiveIntegerField(default=0)
    connected_networks = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    # From the number and risk band of young people, the number of adults and recency only
    # (`analysis.network_score`): never from a protected characteristic.
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"


class NetworkNode(models.Model):
    """A node's network, its community inside it and its centrality."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    node_kind = models.CharField(max_length=12, choices=NodeKind.choices)
    node_id = models.BigIntegerField()
    # Numbered across the whole graph, so equal numbers mean the same community.
    community = models.PositiveIntegerField()
    pagerank = models.FloatField(default=0.0)
    betweenness = models.FloatField(default=0.0)

    class Meta:
        ordering = ["network", "community", "-pagerank"]
        constraints = [
            models.UniqueConstraint(fields=["node_kind", "node_id"], name="one_network_per_node")
        ]

    def __str__(self) -> str:
        return f"{self.node_kind} {self.node_id} in {self.network_id}/{self.community}"


class AlertKind(models.TextChoices):
    """Why new intelligence alerted a young person's key worker (issue 6, section 5)."""

    LINKED = "linked", "Linked to a young person's network"
    JOINED = "joined", "Joined another network to a young person's network"


class NetworkAlert(models.Model):
    """One alert raised: an entity newly tied to the network of a young person at risk.

    The key (kind, entity, young person) is unique, so the same link never alerts twice, even
    after a rebuild renumbers the networks. Ids are plain integers like the graph's own.
    """

    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    node_kind = models.CharField(max_length=12, choices=NodeKind.choices)
    node_id = models.BigIntegerField()
    young_person_id = models.BigIntegerField()
    report_id = models.BigIntegerField()
    network_id = models.BigIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "node_kind", "node_id", "young_person_id"],
                name="one_alert_per_link",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind}: {self.node_kind} {self.node_id} to young person {self.young_person_id}"
        )


class RetiredNetwork(models.Model):
    """A network id a rebuild did not keep, and the network most of its members went to.

    Ids are never reused, so an old address or alert finds its way to the network that carries
    on (`services.continuity`); no successor when none of its members is in a network any more.
    """

    id = models.BigIntegerField(primary_key=True)
    successor_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.pk} → {self.successor_id or 'none'}"
