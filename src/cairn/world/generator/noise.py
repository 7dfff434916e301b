"""How real records get people, phones, cars and places wrong: names, nicknames, plates, ages."""

from __future__ import annotations

import random
from datetime import date

from faker import Faker

# Diminutives that records use in place of a given name; anything missing falls back to a clip.
DIMINUTIVES = {
    "Aaron": ["Az"], "Adam": ["Ads"], "Alexander": ["Alex", "Xander"],
    "Alexandra": ["Alex", "Lexi"],
    "Amelia": ["Millie", "Mia"], "Andrew": ["Andy", "Drew"], "Anthony": ["Tony", "Ant"],
    "Benjamin": ["Ben", "Benji"], "Bethany": ["Beth"], "Callum": ["Cal"],
    "Charlotte": ["Charlie", "Lottie"],
    "Christopher": ["Chris", "Kit"], "Daniel": ["Dan", "Danny"], "David": ["Dave", "Davy"],
    "Elizabeth": ["Liz", "Beth", "Lizzie"], "Eleanor": ["Ellie", "Nell"], "Emily": ["Em", "Emmy"],
    "Gemma": ["Gem"], "Georgia": ["George"], "Isabella": ["Bella", "Izzy"], "Jacob": ["Jake"],
    "James": ["Jim", "Jimmy", "Jamie"], "Jessica": ["Jess", "Jessie"], "Jonathan": ["Jon", "Jonny"],
    "Joseph": ["Joe", "Joey"], "Joshua": ["Josh"], "Katherine": ["Kate", "Katie", "Kat"],
    "Kimberley": ["Kim"], "Leanne": ["Lea"], "Matthew": ["Matt"], "Michael": ["Mike", "Mikey"],
    "Natalie": ["Nat"], "Nicholas": ["Nick", "Nicky"], "Olivia": ["Liv", "Livvy"],
    "Patrick": ["Pat", "Paddy"], "Rebecca": ["Becky", "Becca"], "Richard": ["Rich", "Rick", "Dick"],
    "Robert": ["Rob", "Bob", "Robbie"], "Samantha": ["Sam", "Sammy"], "Samuel": ["Sam", "Sammy"],
    "Sophie": ["Soph"], "Stephen": ["Steve", "Stevie"], "Thomas": ["Tom", "Tommy"],
    "Victoria": ["Vicky", "Tori"], "William": ["Will", "Bill", "Billy"], "Zoe": ["Zo"],
}  # fmt: skip
# Street names given to adults by the children they exploit; shared by every kind of offender.
STREET_NAMES = [
    "Bossman", "Sully", "Tiny", "Big Man", "Uncle", "Boss", "Ace", "Dee", "Kay", "Jay", "Mo",
    "Smokey", "Shorty", "Red", "Prince", "Cuz", "Blue", "Taxi Man", "Scouse", "Lefty", "Chef",
    "Bear", "Kid", "Snowy", "Gaffer", "Whizz", "Tricky", "Dutch", "Ginge", "Skinny",
]  # fmt: skip
CAR_MODELS = [
    ("Vauxhall", "Astra"), ("Vauxhall", "Corsa"), ("Ford", "Focus"), ("Ford", "Fiesta"),
    ("Volkswagen", "Golf"), ("Volkswagen", "Passat"), ("BMW", "3 Series"), ("Audi", "A3"),
    ("Toyota", "Prius"), ("Skoda", "Octavia"), ("Mercedes-Benz", "C-Class"), ("Nissan", "Qashqai"),
    ("Peugeot", "208"), ("Honda", "Civic"), ("Kia", "Sportage"), ("Seat", "Leon"),
]  # fmt: skip
COLOURS = ["silver", "black", "white", "grey", "blue", "red", "dark blue", "green"]
# Letters used in the random part of current-format plates (I, Q and Z are not issued there).
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
MEMORY_AREA_LETTERS = "ABCDEFGHKLMNOPRSVWY"


class NamePool:
    """One pool of names drawn from Faker's en_GB provider, used for every role alike.

    Drawing all names from the same weighted pool means no name, or the origin a name may suggest,
    is more likely for an offender than for a child, a relative or a professional.
    """

    def __init__(self, seed: int) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.female = [fake.first_name_female() for _ in range(2_000)]
        self.male = [fake.first_name_male() for _ in range(2_000)]
        self.family = [fake.last_name() for _ in range(4_000)]
        self.streets = sorted({fake.street_name() for _ in range(1_500)})
        self.towns = [fake.city() for _ in range(120)]
        self.businesses = [fake.last_name() for _ in range(300)]

    def given(self, rng: random.Random, sex: str) -> str:
        return rng.choice(self.female if sex == "female" else self.male)

    def nickname(self, rng: random.Random, given: str) -> str:
        options = DIMINUTIVES.get(given)
        if options:
            return rng.choice(options)
        return given[: max(3, len(given) // 2)] if len(given) > 4 else given + "y"


def misspell(rng: random.Random, name: str) -> str:
    """One plausible slip: a swapped, doubled, dropped or mis-heard letter."""
    if len(name) < 4:
        return name.lower() if rng.random() < 0.5 else name.upper()
    kind = rng.randrange(6)
    at = rng.randrange(1, len(name) - 1)
    if kind == 0:
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    if kind == 1:
        return name[:at] + name[at] + name[at:]
    if kind == 2:
        return name[:at] + name[at + 1 :]
    if kind == 3:
        for heard, written in (("ph", "f"), ("ck", "k"), ("ie", "y"), ("ey", "y"), ("ou", "ow")):
            if heard in name:
                return name.replace(heard, written, 1)
        return name[:at] + ("e" if name[at] in "aiou" else "a") + name[at + 1 :]
    if kind == 4:
        return name.upper()
    return name.lower()


# Ofcom's numbers reserved for drama (TV, radio, film and fiction), 1,000 in each range: a
# synthetic world's phones should ring no one. The first 1,000 mobiles use the drama mobile range,
# further mobiles the first ten geographic ranges, landlines the last five. That covers the tiny and
# local worlds (the demo and the tests). Larger worlds, used only for benchmarks on this machine,
# continue with mobile- and landline-shaped numbers outside these ranges.
DRAMA_MOBILE = "07700900"
DRAMA_GEOGRAPHIC = (
    "01134960",
    "01144960",
    "01154960",
    "01164960",
    "01174960",
    "01184960",
    "01214960",
    "01314960",
    "01414960",
    "01514960",
    "01614960",
    "01914980",
    "02079460",
    "02920180",
    "01632960",
)
_MOBILE_OVERFLOW = DRAMA_GEOGRAPHIC[:10]
_LANDLINES = DRAMA_GEOGRAPHIC[10:]


def mobile_number(index: int) -> str:
    """A unique number for the nth mobile: Ofcom drama ranges first, then a fixed permutation."""
    if index < 1000:
        return f"{DRAMA_MOBILE}{index:03d}"
    overflow = index - 1000
    if overflow < 1000 * len(_MOBILE_OVERFLOW):
        return f"{_MOBILE_OVERFLOW[overflow // 1000]}{overflow % 1000:03d}"
    scrambled = (index * 48_271 + 12_345_679) % 100_000_000
    return f"07{'45789'[index % 5]}{scrambled:08d}"


def landline_number(index: int, area_index: int) -> str:
    """A unique number for the nth landline: Ofcom drama ranges first, then a permutation."""
    if index < 1000 * len(_LANDLINES):
        return f"{_LANDLINES[index // 1000]}{index % 1000:03d}"
    scrambled = (index * 7_919 + 1_234_567) % 10_000_000
    return f"01{(area_index % 80) + 20:02d}{scrambled:07d}"


def phone_as_written(rng: random.Random, number: str) -> str:
    """A number written the way people write them: spaced, +44, run together, or one digit off."""
    digits = number
    style = rng.randrange(8)
    if style == 0:
        return f"{digits[:5]} {digits[5:]}"
    if style == 1:
        return f"+44 {digits[1:5]} {digits[5:]}"
    if style == 2:
        return f"+44{digits[1:]}"
    if style == 3:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if style == 4:
        return f"({digits[:5]}) {digits[5:]}"
    if style == 5:
        at = rng.randrange(3, len(digits) - 1)
        return digits[:at] + digits[at + 1] + digits[at] + digits[at + 2 :]
    if style == 6:
        return f"{digits[:5]} {digits[5:8]}..."
    return digits


def plate(index: int, rng: random.Random) -> str:
    memory = rng.choice(MEMORY_AREA_LETTERS) + rng.choice(PLATE_LETTERS)
    age = rng.choice(["12", "13", "14", "15", "16", "17", "18", "19", "62", "63", "64", "65", "66"])
    scrambled = (index * 9_973 + 4_057) % (len(PLATE_LETTERS) ** 3)
    letters = ""
    for _ in range(3):
        scrambled, position = divmod(scrambled, len(PLATE_LETTERS))
        letters += PLATE_LETTERS[position]
    return f"{memory}{age} {letters}"


def plate_as_read(rng: random.Random, registration: str) -> str:
    """What a witness reads: often partial, with '?' for characters they could not see."""
    style = rng.random()
    if style < 0.35:
        return registration
    if style < 0.45:
        return registration.replace(" ", "")
    if style < 0.8:
        characters = list(registration)
        for at in rng.sample([0, 1, 2, 3, 5, 6, 7], k=rng.randint(1, 3)):
            characters[at] = "?"
        return "".join(characters)
    if style < 0.9:
        return registration[:4]
    return ""


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def estimated_age(rng: random.Random, true_age: int) -> int:
    """A reporter's guess: adults are usually guessed a few years out, children less so."""
    spread = 2 if true_age < 18 else 6
    return max(10, true_age + round(rng.gauss(0, spread / 2)))
