"""The write path for bundles: validate everything, then load in one transaction, audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.world.bundle.validate import (
    Problem,
    bundle_digest,
    read_descriptor,
    rows,
    validate_bundle,
)
from cairn.world.importers import ImportContext, registered
from cairn.world.models import LoadedBundle

NOT_IMPORTED = "not imported yet (no importer registered)"


class BundleRefused(Exception):
    """The bundle cannot be loaded into this instance at all."""


class BundleInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"The bundle has {len(problems)} problem(s); nothing was loaded.")


@dataclass(frozen=True)
class LoadResult:
    loaded: LoadedBundle
    created: dict[str, int]
    not_imported: list[str]


def bundle_check(*, directory: Path) -> list[Problem]:
    """Every problem with a bundle: Frictionless, Cairn's rules, and each importer's own checks."""
    descriptor, problems = validate_bundle(directory)
    present = {resource.get("name") for resource in descriptor.get("resources", [])}
    for item in registered():
        if item.check is not None and item.resource in present and not problems:
            for row, field, message in item.check(rows(directory, descriptor, item.resource)):
                problems.append(Problem(item.resource, row, field, message))
    return problems


def bundle_load(
    *,
    actor: Actor,
    directory: Path,
    progress: Callable[[str, int], None] | None = None,
) -> LoadResult:
    descriptor = read_descriptor(directory)
    synthetic = descriptor.get("synthetic")
    if synthetic is True and not settings.CAIRN_DEMO:
        raise BundleRefused(
            "This bundle is synthetic and this instance holds real records; synthetic data is "
            "loaded only into a demo instance (CAIRN_DEMO=1)."
        )
    if synthetic is False and settings.CAIRN_DEMO:
        raise BundleRefused(
            "This bundle holds real records and this is a demo instance; real data is never "
            "loaded into a demo."
        )
    problems = bundle_check(directory=directory)
    if problems:
        raise BundleInvalid(problems)
    importers = {item.resource: item for item in registered()}
    names = [resource["name"] for resource in descriptor["resources"]]
    context = ImportContext(actor=actor, synthetic=bool(synthetic), progress=progress)
    created: dict[str, int] = {}
    with transaction.atomic():
        for item in importers.values():
            if item.resource in names:
                created[item.resource] = item.load(
                    context, rows(directory, descriptor, item.resource)
                )
                if progress is not None:
                    progress(item.resource, len(context.ids.get(item.resource, {})))
        not_imported = [name for name in names if name not in importers]
        loaded = LoadedBundle.objects.create(
            name=str(descriptor.get("name", directory.name)),
            digest=bundle_digest(directory, descriptor),
            synthetic=bool(synthetic),
            counts={name: len(ids) for name, ids in context.ids.items()},
            not_imported=not_imported,
            loaded_by=actor.username,
        )
        audit_record(
            actor=actor,
            action=Action.COLLECTION,
            record_type=record_label(LoadedBundle),
            record_ids=[loaded.pk],
            summary=f"Loaded bundle {loaded.name}: "
            + ", ".join(f"{count} {name}" for name, count in loaded.counts.items()),
            detail={
                "digest": loaded.digest,
                "synthetic": loaded.synthetic,
                "rows": loaded.counts,
                "created": created,
                "not_imported": not_imported,
            },
        )
    return LoadResult(loaded, created, not_imported)


def bundle_already_loaded(*, directory: Path) -> LoadedBundle | None:
    digest = bundle_digest(directory, read_descriptor(directory))
    return LoadedBundle.objects.filter(digest=digest).first()
