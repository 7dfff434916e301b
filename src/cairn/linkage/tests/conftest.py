"""A small synthetic population of person mentions, shared by the engine's tests."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from cairn.linkage.engine import Model, PersonMention, train

GIVEN = [
    "Thomas",
    "Robert",
    "William",
    "James",
    "Michael",
    "David",
    "Richard",
    "Daniel",
    "Sarah",
    "Rebecca",
    "Elizabeth",
    "Jessica",
    "Kayleigh",
    "Megan",
    "Chloe",
    "Aaron",
    "Connor",
    "Lewis",
    "Nathan",
    "Owen",
    "Paige",
    "Shannon",
    "Tyler",
    "Zoe",
    "Bethany",
    "Callum",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Harrison",
    "Cooper",
    "Marshall",
    "Murray",
    "Pollard",
    "Dyer",
]
SHORT = {
    "Thomas": "Tom",
    "Robert": "Rob",
    "William": "Bill",
    "James": "Jim",
    "Michael": "Mike",
    "David": "Dave",
    "Richard": "Rick",
    "Daniel": "Danny",
    "Rebecca": "Becky",
    "Elizabeth": "Liz",
    "Jessica": "Jess",
}
OBSERVED = dt.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def _reset_lockouts() -> None:
    """The engine needs no database: override the project fixture that clears axes lockouts."""


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def population(seed: int = 7, people: int = 400) -> tuple[list[PersonMention], dict[str, str]]:
    """Four mentions of each synthetic person, with the noise reports have; and the truth.

    Every person's first mention is complete; the others randomly lose the date of birth (an
    estimated age instead), the phone, or the name's usual spelling.
    """
    rng = random.Random(seed)
    mentions: list[PersonMention] = []
    truth: dict[str, str] = {}
    for n in range(people):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
        phone = f"+447700{900000 + n:06d}"
        age = (OBSERVED - born).days // 365
        for k in range(4):
            fields: dict[str, object] = {"given_name": given, "family_name": family}
            if k and rng.random() < 0.3:
                fields["given_name"] = SHORT.get(given, given)
            if k and rng.random() < 0.2:
                fields["family_name"] = _typo(rng, family)
            if k == 0 or rng.random() < 0.4:
                fields["date_of_birth"] = born
            else:
                fields.update(age_min=age - 4, age_max=age + 4, age_observed_on=OBSERVED)
            if k == 0 or rng.random() < 0.5:
                fields["phones"] = [phone]
            mention_id = f"M{n:04d}{k}"
            mentions.append(PersonMention(mention_id=mention_id, sex="male", **fields))
            truth[mention_id] = f"P{n:04d}"
    return mentions, truth


@pytest.fixture(scope="session")
def people() -> tuple[list[PersonMention], dict[str, str]]:
    return population()


@pytest.fixture(scope="session")
def model(people: tuple[list[PersonMention], dict[str, str]]) -> Model:
    return train(people[0], max_pairs=2e5)
