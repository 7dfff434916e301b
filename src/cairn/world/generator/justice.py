"""Investigations, outcomes, trials and disruption, calibrated to one charity's year of figures."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from cairn.world.generator.agencies import Agencies
from cairn.world.generator.noise import age_on, misspell
from cairn.world.generator.population import Area, Person, weighted
from cairn.world.generator.simulate import Contact
from cairn.world.generator.state import WorldState

OPERATIONS = (
    "Kestrel",
    "Harrier",
    "Rowan",
    "Alder",
    "Curlew",
    "Linnet",
    "Hawthorn",
    "Merlin",
    "Willow",
    "Sparrow",
    "Bramble",
    "Heron",
)
# Where investigations that do not convict end: evidential difficulties dominate (2019/20 figures).
OTHER_ENDINGS = (
    ("acquitted", 8),
    ("16", 36),
    ("15", 12),
    ("14", 9),
    ("21", 4),
    ("20", 5),
    ("18", 3),
    ("open", 23),
)
EVIDENCE = (
    "abe_interview",
    "witness_statement",
    "phone_download",
    "call_data_records",
    "cctv",
    "anpr",
    "hotel_register",
    "taxi_records",
    "social_media",
    "forensic",
    "medical",
    "bank_records",
)


def _choose(rng: random.Random, weights: list[float], count: int) -> list[int]:
    """Weighted sampling without replacement (Efraimidis and Spirakis)."""
    keys = sorted(
        ((rng.random() ** (1 / weight), index) for index, weight in enumerate(weights)),
        reverse=True,
    )
    return sorted(index for _, index in keys[:count])


class JusticeWriter:
    def __init__(
        self, world: WorldState, area: Area, agencies: Agencies, rng: random.Random
    ) -> None:
        self.world, self.area, self.agencies, self.rng = world, area, agencies, rng

    def write(
        self, contacts: list[Contact], investigations: int, convicted: int, cawns: int
    ) -> None:
        rng, area = self.rng, self.area
        met: dict[Person, dict[Person, int]] = defaultdict(lambda: defaultdict(int))
        for contact in contacts:
            for child in contact.children:
                for offender in contact.offenders:
                    met[child][offender] += 1
        concerns: list[tuple[list[Person], list[Person], bool]] = []
        for network in area.networks:
            victims = list(network.children)
            rng.shuffle(victims)
            while victims:
                group = victims[: rng.choice((1, 1, 2, 3))]
                victims = victims[len(group) :]
                suspects = sorted(
                    {offender for child in group for offender in met[child]},
                    key=lambda person: person.entity_id,
                )
                concerns.append((group, suspects or network.offenders[:2], False))
        for child in area.children:
            friends = [person for person in child.relatives if person.role == "innocent_adult"]
            if friends and rng.random() < 0.3:
                concerns.append(([child], friends, True))
        weights = [
            1.0 + sum(met[child][o] for child in group for o in suspects) + (0 if innocent else 2)
            for group, suspects, innocent in concerns
        ]
        chosen = [concerns[index] for index in _choose(rng, weights, investigations)]
        strength = [
            sum(met[c][o] for c in group for o in suspects) + rng.random() * 10
            if not innocent
            else -1.0
            for group, suspects, innocent in chosen
        ]
        convicting = set(sorted(range(len(chosen)), key=lambda index: -strength[index])[:convicted])
        for index, (group, suspects, innocent) in enumerate(chosen):
            ending = (
                "convicted"
                if index in convicting
                else (
                    "16"
                    if innocent and rng.random() < 0.6
                    else "21"
                    if innocent
                    else weighted(rng, OTHER_ENDINGS)
                )
            )
            self.investigation(group, suspects[:8], ending, met)
        self.disruption(met, cawns)

    def investigation(
        self,
        victims: list[Person],
        suspects: list[Person],
        ending: str,
        met: dict[Person, dict[Person, int]],
    ) -> None:
        rng, world, area, agencies = self.rng, self.world, self.area, self.agencies
        investigation_id = world.next_id("IN")
        # Investigations open while the children are being worked with, not years later.
        first_known = min(child.referred_on or area.start for child in victims)
        opened = min(
            area.end - timedelta(days=1), first_known + timedelta(days=rng.randint(0, 240))
        )
        closed = (
            None
            if ending in {"open", "convicted", "acquitted"}
            else opened + timedelta(days=rng.randint(60, 400))
        )
        world.write(
            "investigations",
            investigation_id=investigation_id,
            organisation_id=agencies.police,
            team_id=agencies.exploitation_team,
            operation_name=f"Operation {rng.choice(OPERATIONS)}" if rng.random() < 0.6 else "",
            offence_category=weighted(
                rng,
                (
                    ("child_sexual_exploitation", 40),
                    ("sexual_activity_with_child", 25),
                    ("rape_of_child", 15),
                    ("sexual_grooming", 12),
                    ("trafficking_for_sexual_exploitation", 5),
                    ("child_abduction", 3),
                ),
            ),
            origin=weighted(
                rng,
                (
                    ("referral", 30),
                    ("intelligence", 35),
                    ("disclosure", 20),
                    ("missing_episode", 15),
                ),
            ),
            opened_on=opened,
            closed_on=closed,
        )
        world.figures["investigations"] += 1
        suspect_ids: list[tuple[str, Person]] = []
        for suspect in suspects:
            suspect_id = world.next_id("SU")
            known = ending != "14" and ending != "18"
            world.write(
                "investigation_suspects",
                suspect_id=suspect_id,
                investigation_id=investigation_id,
                name_as_recorded=(
                    suspect.full_name
                    if rng.random() < 0.9
                    else f"{suspect.given} {misspell(rng, suspect.family)}"
                )
                if known
                else "Unknown male known as "
                + (f"'{suspect.nicknames[0]}'" if suspect.nicknames else "the driver"),
                date_of_birth=suspect.born if known and rng.random() < 0.8 else None,
                estimated_age=None if known else age_on(suspect.born, opened) + rng.randint(-5, 5),
                sex=suspect.sex,
                arrested_on=opened + timedelta(days=rng.randint(5, 90))
                if known and rng.random() < 0.7
                else None,
            )
            world.truth_of("investigation_suspects", suspect_id, suspect.entity_id)
            suspect_ids.append((suspect_id, suspect))
        victim_ids: list[tuple[str, Person]] = []
        withdrew = ending == "16"
        for child in victims:
            victim_id = world.next_id("VI")
            world.write(
                "investigation_victims",
                victim_id=victim_id,
                investigation_id=investigation_id,
                young_person_id=child.young_person_id,
                name_as_recorded=child.full_name,
                age_at_offence=age_on(child.born, opened),
                sex=child.sex if rng.random() < 0.72 else "not_known",
                supports_prosecution=not withdrew,
                withdrew_on=opened + timedelta(days=rng.randint(20, 200))
                if withdrew and rng.random() < 0.7
                else None,
                abe_interview_on=opened + timedelta(days=rng.randint(3, 40))
                if ending in {"convicted", "acquitted", "15"} or rng.random() < 0.3
                else None,
            )
            world.truth_of("investigation_victims", victim_id, child.entity_id)
            world.figures[f"victim_sex:{child.sex}"] += 1
            world.figures[f"victim_age:{age_on(child.born, opened)}"] += 1
            victim_ids.append((victim_id, child))
        for _ in range(rng.randint(0, 3)):
            witness = rng.choice(area.professionals)
            witness_id = world.next_id("WI")
            world.write(
                "investigation_witnesses",
                witness_id=witness_id,
                investigation_id=investigation_id,
                witness_type="professional",
                name_as_recorded=witness.full_name,
                statement_on=opened + timedelta(days=rng.randint(5, 120)),
            )
            world.truth_of("investigation_witnesses", witness_id, witness.entity_id)
        strong = ending in {"convicted", "acquitted"}
        for evidence_type in rng.sample(
            EVIDENCE, k=rng.randint(4, 10) if strong else rng.randint(1, 5)
        ):
            requested = opened + timedelta(days=rng.randint(1, 60))
            status = weighted(
                rng,
                (
                    ("obtained", 80 if strong else 45),
                    ("requested", 10),
                    ("not_available", 15),
                    ("refused", 5),
                ),
            )
            world.write(
                "evidence_items",
                evidence_id=world.next_id("EV"),
                investigation_id=investigation_id,
                evidence_type=evidence_type,
                description=evidence_type.replace("_", " ").capitalize(),
                status=status,
                requested_on=requested,
                obtained_on=requested + timedelta(days=rng.randint(3, 90))
                if status == "obtained"
                else None,
            )
        if ending == "open":
            return
        decided = opened + timedelta(days=rng.randint(60, 300))
        charged = ending in {"convicted", "acquitted"}
        for suspect_id, _ in suspect_ids:
            outcome = 1 if charged and rng.random() < 0.8 else int(ending) if not charged else 16
            world.write(
                "investigation_outcomes",
                outcome_id=world.next_id("OC"),
                investigation_id=investigation_id,
                suspect_id=suspect_id,
                outcome_type=outcome,
                decided_on=decided,
                decided_by="cps" if outcome in {1, 9} or (charged and outcome == 16) else "police",
            )
        if charged:
            self.trial(
                investigation_id, suspect_ids, victim_ids, decided, convicted=ending == "convicted"
            )

    def trial(
        self,
        investigation_id: str,
        suspects: list[tuple[str, Person]],
        victims: list[tuple[str, Person]],
        charged_on: date,
        *,
        convicted: bool,
    ) -> None:
        rng, world = self.rng, self.world
        trial_id = world.next_id("TR")
        started = charged_on + timedelta(days=rng.randint(120, 420))
        verdicts = [
            "convicted" if convicted and (index == 0 or rng.random() < 0.8) else "acquitted"
            for index in range(len(suspects))
        ]
        result = (
            ("convicted_all" if all(v == "convicted" for v in verdicts) else "convicted_some")
            if convicted
            else "acquitted_all"
        )
        world.write(
            "trials",
            trial_id=trial_id,
            investigation_id=investigation_id,
            court=f"{self.area.name} Crown Court (synthetic)",
            first_hearing_on=charged_on + timedelta(days=rng.randint(1, 28)),
            ground_rules_hearing_on=started - timedelta(days=rng.randint(7, 30))
            if rng.random() < 0.85
            else None,
            trial_started_on=started,
            ended_on=started + timedelta(days=rng.randint(3, 40)),
            result=result,
        )
        if convicted:
            world.figures["convicted_investigations"] += 1
        not_guilty = 0
        for (suspect_id, suspect), verdict in zip(suspects, verdicts, strict=True):
            plea = "guilty" if verdict == "convicted" and rng.random() < 0.25 else "not_guilty"
            not_guilty += plea == "not_guilty"
            world.write(
                "trial_defendants",
                defendant_id=world.next_id("DF"),
                trial_id=trial_id,
                suspect_id=suspect_id,
                counts_on_indictment=rng.randint(1, 12),
                plea=plea,
                verdict=verdict,
                sentence_months=rng.randint(18, 240) if verdict == "convicted" else None,
            )
            if verdict == "convicted" and rng.random() < 0.7:
                world.write(
                    "disruption_actions",
                    disruption_id=world.next_id("DA"),
                    organisation_id=self.agencies.police,
                    action_type="sexual_harm_prevention_order",
                    subject_name=suspect.full_name,
                    investigation_id=investigation_id,
                    issued_on=started + timedelta(days=rng.randint(20, 60)),
                    expires_on=started + timedelta(days=365 * 10),
                )
                world.truth_of("disruption_actions", world.last_id("DA"), suspect.entity_id)
        for victim_id, child in victims:
            witness_id = world.next_id("CW")
            age = age_on(child.born, started)
            intermediary = rng.random() < 0.35 or child.learning_disability
            world.write(
                "trial_child_witnesses",
                child_witness_id=witness_id,
                trial_id=trial_id,
                victim_id=victim_id,
                young_person_id=child.young_person_id,
                age_at_trial=age,
                eligibility="s16_under_18" if age < 18 else "s17_4_complainant",
                intermediary=intermediary,
                advocates_cross_examining=max(1, not_guilty),
            )
            measures = [
                "s27_video_evidence_in_chief",
                "s28_pre_recorded_cross_examination",
                "s24_live_link",
            ]
            measures += ["s29_intermediary"] if intermediary else []
            measures += [
                m
                for m, p in (
                    ("s26_wigs_and_gowns_removed", 0.4),
                    ("s25_evidence_in_private", 0.2),
                    ("s23_screens", 0.05),
                    ("s30_aids_to_communication", 0.1),
                )
                if rng.random() < p
            ]
            for measure in measures:
                applied = started - timedelta(days=rng.randint(30, 120))
                world.write(
                    "special_measures_applications",
                    application_id=world.next_id("SM"),
                    child_witness_id=witness_id,
                    measure=measure,
                    applied_on=applied,
                    decision="granted" if rng.random() < 0.95 else "refused",
                    decided_on=applied + timedelta(days=rng.randint(7, 28)),
                )

    def disruption(self, met: dict[Person, dict[Person, int]], cawns: int) -> None:
        """CAWNs for children under 16 or in care under an order (Child Abduction Act 1984 s.2)."""
        rng, world, area = self.rng, self.world, self.area
        pairs = []
        for child, offenders in sorted(met.items(), key=lambda item: item[0].entity_id):
            assert child.referred_on is not None
            eligible = age_on(child.born, child.referred_on) < 16 or child.legal_status in {
                "care_order",
                "emergency_protection_order",
                "police_protection",
            }
            if eligible:
                pairs += [
                    (child, offender)
                    for offender in sorted(offenders, key=lambda person: person.entity_id)
                ]
        for child, offender in (pairs[index] for index in _choose(rng, [1.0] * len(pairs), cawns)):
            disruption_id = world.next_id("DA")
            assert child.referred_on is not None
            issued = max(area.start, child.referred_on) + timedelta(days=rng.randint(5, 60))
            world.write(
                "disruption_actions",
                disruption_id=disruption_id,
                organisation_id=self.agencies.police,
                action_type="cawn",
                subject_name=offender.full_name
                if rng.random() < 0.9
                else misspell(rng, offender.full_name),
                young_person_id=child.young_person_id,
                issued_on=min(issued, area.end),
                breached_on=issued + timedelta(days=rng.randint(10, 120))
                if rng.random() < 0.25
                else None,
            )
            world.truth_of("disruption_actions", disruption_id, offender.entity_id)
            world.figures["cawns"] += 1
        for network in area.networks:
            for venue in network.venues:
                action = {
                    "hotel": "hotel_guest_information_notice",
                    "private_flat": "closure_order",
                    "takeaway": "licensing_review",
                }.get(venue.kind)
                if action and rng.random() < 0.12:
                    issued = area.start + timedelta(
                        days=rng.randrange((area.end - area.start).days)
                    )
                    world.write(
                        "disruption_actions",
                        disruption_id=world.next_id("DA"),
                        organisation_id=self.agencies.police,
                        action_type=action,
                        location_as_written=f"{venue.name}, {venue.address}".lstrip(", "),
                        issued_on=issued,
                        expires_on=issued + timedelta(days=182)
                        if action == "hotel_guest_information_notice"
                        else None,
                    )
            if rng.random() < 0.08:
                offender = rng.choice(network.offenders)
                disruption_id = world.next_id("DA")
                world.write(
                    "disruption_actions",
                    disruption_id=disruption_id,
                    organisation_id=self.agencies.police,
                    action_type="sexual_risk_order",
                    subject_name=offender.full_name,
                    issued_on=area.start
                    + timedelta(days=rng.randrange((area.end - area.start).days)),
                )
                world.truth_of("disruption_actions", disruption_id, offender.entity_id)
