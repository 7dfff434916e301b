"""Organisations, teams, users, roles, and the need-to-know grants that open person records."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cairn.access.permissions import Perm, Role, permissions_for


class OrganisationType(models.TextChoices):
    """The agencies that work together against child sexual exploitation (issue 2, section 3)."""

    POLICE_FORCE = "police_force", "Police force"
    CHILDRENS_CHARITY = "childrens_charity", "Children's charity"
    LOCAL_AUTHORITY = "local_authority", "Local authority children's services"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROSECUTION_LIAISON = "prosecution_liaison", "Prosecution liaison"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    organisation_type = models.CharField(max_length=32, choices=OrganisationType.choices)
    # The force or local authority area it serves ("Northmoor"); blank for a service that
    # works across areas. Entity resolution keeps its broadest comparisons within one area.
    area = models.CharField(max_length=100, blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class User(AbstractUser):
    """A member of staff. Users are deactivated, never deleted, so the audit trail keeps them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    teams = models.ManyToManyField(Team, related_name="members", blank=True)
    roles = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles if role in Role.values]

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    def can(self, perm: Perm) -> bool:
        # A superuser made with `cairn createsuperuser` administers; it never reads case records.
        roles = [*self.roles, Role.ADMIN.value] if self.is_superuser else self.roles
        return self.is_active and perm in permissions_for(roles)

    def team_ids(self) -> set[int]:
        cached: set[int] | None = getattr(self, "_team_ids", None)
        if cached is None:
            cached = set(self.teams.values_list("id", flat=True))
            self._team_ids = cached
        return cached


class LawfulBasis(models.TextChoices):
    """Lawful bases for sharing a person record with another team.

    Sources: Children Act 1989 ss.17, 47; Children Act 2004 s.11; Crime and Disorder Act 1998
    s.115; Data Protection Act 2018 s.35 and Sch.8 para.4 (safeguarding of children).
    """

    OWNER = "owner", "Holding team (record created here)"
    SAFEGUARDING = "dpa2018_sch8_para4", "Safeguarding of children (DPA 2018 Sch.8 para.4)"
    LAW_ENFORCEMENT = "dpa2018_s35", "Law enforcement purpose (DPA 2018 s.35)"
    SECTION_47 = "ca1989_s47", "Child protection enquiry (Children Act 1989 s.47)"
    SECTION_17 = "ca1989_s17", "Child in need (Children Act 1989 s.17)"
    SECTION_11 = "ca2004_s11", "Duty to safeguard (Children Act 2004 s.11)"
    CRIME_AND_DISORDER = "cda1998_s115", "Crime and Disorder Act 1998 s.115"
    CONSENT = "consent", "Consent of the young person or their carer"
    COURT_ORDER = "court_order", "Order of a court"


class RecordShareQuerySet(models.QuerySet["RecordShare"]):
    def active(self) -> RecordShareQuerySet:
        return self.filter(revoked_at__isnull=True)


class RecordShare(models.Model):
    """Opens one person record to one team or one user, on a stated lawful basis."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="record_shares"
    )
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices)
    reason = models.TextField(blank=True, default="")
    shared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RecordShareQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(user__isnull=True))
                | (Q(team__isnull=True) & Q(user__isnull=False)),
                name="share_names_exactly_one_team_or_user",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "team"],
                condition=Q(revoked_at__isnull=True, team__isnull=False),
                name="one_active_share_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"Shared with {self.recipient}"

    @property
    def recipient(self) -> str:
        return str(self.team) if self.team_id else str(self.user)


class BreakGlassGrant(models.Model):
    """Emergency access to a record outside need-to-know: reasoned, expiring, flagged."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "user"])]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} until {self.expires_at:%d %b %Y %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class Notification(models.Model):
    """An in-app message to one user (break-glass flags now; alerts later)."""

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class PersonalAccessToken(models.Model):
    """An API token: shown once, stored as a SHA-256 digest, always expiring."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=16, choices=TokenScope.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (cairn_{self.prefix}_…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
