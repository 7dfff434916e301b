"""The synthetic organisations and teams of each area; the first area matches `cairn demo setup`."""

from __future__ import annotations

from dataclasses import dataclass

from cairn.world.generator.state import WorldState

CHARITY = "Harbourside Children's Charity (synthetic)"


@dataclass(frozen=True)
class Agencies:
    police: str
    exploitation_team: str
    intelligence_unit: str
    witness_care: str
    local_authority: str
    safeguarding_team: str
    charity: str
    charity_team: str
    schools: str
    health: str


def write_agencies(world: WorldState, area_index: int, area_name: str, charity_id: str) -> Agencies:
    """Write one area's organisations and teams; names in area 0 are those the demo uses."""

    def organisation(name: str, kind: str) -> str:
        organisation_id = world.next_id("OR")
        world.write(
            "organisations",
            organisation_id=organisation_id,
            name=name,
            organisation_type=kind,
            area=area_name,
        )
        return organisation_id

    def team(organisation_id: str, name: str) -> str:
        team_id = world.next_id("TM")
        world.write("teams", team_id=team_id, organisation_id=organisation_id, name=name)
        return team_id

    police = organisation(f"{area_name} Police (synthetic)", "police_force")
    local_authority = organisation(
        f"{area_name} Children's Services (synthetic)", "local_authority"
    )
    schools = organisation(f"{area_name} Schools Safeguarding (synthetic)", "education")
    health = organisation(f"{area_name} Health Safeguarding (synthetic)", "health")
    service = "Exploitation Service" if area_index == 0 else f"Exploitation Service {area_name}"
    return Agencies(
        police=police,
        exploitation_team=team(police, "Child Exploitation Team"),
        intelligence_unit=team(police, "Intelligence Unit"),
        witness_care=team(police, "Witness Care"),
        local_authority=local_authority,
        safeguarding_team=team(local_authority, "Adolescent Safeguarding"),
        charity=charity_id,
        charity_team=team(charity_id, service),
        schools=schools,
        health=health,
    )


def write_charity(world: WorldState) -> str:
    charity_id = world.next_id("OR")
    world.write(
        "organisations",
        organisation_id=charity_id,
        name=CHARITY,
        organisation_type="childrens_charity",
        area="",
    )
    return charity_id
