"""Phones, vehicles and places resolved to entities by their normalised identifiers."""

from __future__ import annotations

from cairn.intelligence.models import LocationMention, PhoneMention, VehicleMention
from cairn.linkage.models import LocationEntity, PhoneEntity, VehicleEntity, location_key


def identifiers_resolve(*, report_id: int | None = None) -> dict[str, int]:
    """Phones, vehicles and places by their normalised identifiers (all, or one report's).

    Partial registrations are not resolved: they only propose candidates (`vehicle_candidates`).
    """
    phones = PhoneMention.objects.exclude(e164="")
    vehicles = VehicleMention.objects.filter(is_partial=False).exclude(registration="")
    locations = LocationMention.objects.all()
    if report_id is not None:
        phones, vehicles = phones.filter(report_id=report_id), vehicles.filter(report_id=report_id)
        locations = locations.filter(report_id=report_id)
    numbers = set(phones.values_list("e164", flat=True))
    marks = {m for m in vehicles.values_list("registration", flat=True) if "?" not in m}
    places: dict[str, tuple[str, str]] = {}
    for postcode, venue, address in locations.values_list("postcode", "venue_name", "address"):
        key = location_key(postcode=postcode, venue_name=venue, address=address)
        if key:
            places.setdefault(key, (postcode, venue or address))
    PhoneEntity.objects.bulk_create(
        [PhoneEntity(e164=n) for n in sorted(numbers)], ignore_conflicts=True
    )
    VehicleEntity.objects.bulk_create(
        [VehicleEntity(registration=r) for r in sorted(marks)], ignore_conflicts=True
    )
    LocationEntity.objects.bulk_create(
        [
            LocationEntity(key=k, postcode=p, label=label)
            for k, (p, label) in sorted(places.items())
        ],
        ignore_conflicts=True,
    )
    return {"phones": len(numbers), "vehicles": len(marks), "locations": len(places)}
