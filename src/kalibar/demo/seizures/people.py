"""People, vehicles and companies for the demo seizures: names as locals write them
(Latin or Cyrillic), dates of birth, identity documents, plates by country.

Pure functions of a ``random.Random``: the same generator state gives the same entity.
Nothing in production depends on this module.
"""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from typing import Any

from kalibar.reference.script import to_cyrillic

# (given names, family names) by nationality; Yugoslav successor states share many.
_BOSNIAK = (
    ["Emir", "Adnan", "Haris", "Almir", "Senad", "Edin", "Mirza", "Kenan", "Amel", "Jasmin",
     "Nermin", "Elvis", "Samir", "Armin", "Dženan", "Amra", "Lejla", "Selma", "Aida"],
    ["Hodžić", "Begić", "Hadžić", "Mehmedović", "Softić", "Delić", "Kovačević", "Husić",
     "Omerović", "Alić", "Salihović", "Muratović", "Halilović", "Karić", "Šehić", "Dedić"],
)  # fmt: skip
_CROAT = (
    ["Ivan", "Marko", "Josip", "Ante", "Tomislav", "Mario", "Dario", "Stjepan", "Luka",
     "Mate", "Zoran", "Ivana", "Marija", "Ana", "Petra"],
    ["Marić", "Jurić", "Perić", "Knežević", "Babić", "Horvat", "Kovačić", "Šimić", "Pavlović",
     "Barišić", "Matić", "Bošnjak", "Grgić", "Vidović", "Tomić"],
)  # fmt: skip
_SERB = (
    ["Dragan", "Nenad", "Milan", "Nikola", "Dejan", "Goran", "Saša", "Bojan", "Zoran",
     "Slobodan", "Miloš", "Stefan", "Vladimir", "Đorđe", "Dušan", "Milica", "Jelena", "Dragana"],
    ["Jovanović", "Petrović", "Nikolić", "Đurić", "Stanković", "Ilić", "Marković", "Popović",
     "Lukić", "Savić", "Todorović", "Mitrović", "Kostić", "Lazić", "Simić", "Gajić", "Ljubić"],
)  # fmt: skip
_MONTENEGRIN = (
    ["Marko", "Vuk", "Luka", "Filip", "Milo", "Dragan", "Nikola", "Vesko", "Danilo", "Ivana"],
    ["Vujović", "Radulović", "Popović", "Đukanović", "Vuković", "Bulatović", "Šćekić",
     "Kaluđerović", "Perović", "Raičević"],
)  # fmt: skip
_ALBANIAN = (
    ["Arben", "Besnik", "Driton", "Fatmir", "Ilir", "Gent", "Valon", "Agron", "Blerim"],
    ["Krasniqi", "Gashi", "Berisha", "Hoxha", "Shala", "Morina", "Kelmendi", "Bytyqi"],
)  # fmt: skip
_TURKISH = (
    ["Mehmet", "Ahmet", "Mustafa", "Emre", "Murat", "Hakan", "Serkan", "Burak"],
    ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın"],
)  # fmt: skip
_BULGARIAN = (
    ["Georgi", "Ivan", "Dimitar", "Nikolay", "Petar", "Stoyan", "Hristo"],
    ["Ivanov", "Georgiev", "Dimitrov", "Petrov", "Nikolov", "Stoyanov", "Todorov"],
)  # fmt: skip
_GERMAN = (
    ["Thomas", "Michael", "Andreas", "Stefan", "Markus", "Daniel", "Florian", "Sabine"],
    ["Müller", "Schmidt", "Gruber", "Huber", "Wagner", "Bauer", "Weber", "Hofer"],
)  # fmt: skip
_SLOVENE = (
    ["Matej", "Jure", "Rok", "Gregor", "Aleš", "Primož", "Nina"],
    ["Novak", "Horvat", "Krajnc", "Zupančič", "Potočnik", "Kovač", "Mlakar"],
)  # fmt: skip

#: Nationality → (name pools with weights, share written in Cyrillic).
NAME_POOLS: dict[str, tuple[list[tuple[tuple[list[str], list[str]], float]], float]] = {
    "BA": ([(_BOSNIAK, 5), (_SERB, 3), (_CROAT, 2)], 0.15),
    "RS": ([(_SERB, 9), (_BOSNIAK, 1)], 0.45),
    "HR": ([(_CROAT, 9), (_SERB, 1)], 0.0),
    "ME": ([(_MONTENEGRIN, 6), (_SERB, 2), (_ALBANIAN, 1), (_BOSNIAK, 1)], 0.1),
    "XK": ([(_ALBANIAN, 1)], 0.0),
    "AL": ([(_ALBANIAN, 1)], 0.0),
    "TR": ([(_TURKISH, 1)], 0.0),
    "BG": ([(_BULGARIAN, 1)], 0.6),
    "AT": ([(_GERMAN, 1)], 0.0),
    "DE": ([(_GERMAN, 1)], 0.0),
    "SI": ([(_SLOVENE, 1)], 0.0),
}
#: Cyrillic only makes sense for names of the Serbian (and Bulgarian) pools.
_CYRILLIC_POOLS = (id(_SERB), id(_MONTENEGRIN), id(_BULGARIAN))

CAR_MAKES = (
    ["Volkswagen Golf", "Volkswagen Passat", "Audi A4", "Audi A6", "BMW 320d", "BMW 520d",
     "Mercedes-Benz C 220", "Mercedes-Benz E 220", "Škoda Octavia", "Opel Astra",
     "Renault Mégane", "Peugeot 308", "Toyota Corolla", "Fiat Punto", "Dacia Logan"],
    [5, 4, 4, 2, 2, 2, 2, 2, 4, 3, 2, 2, 1, 2, 1],
)  # fmt: skip
VAN_MAKES = ["Volkswagen Transporter", "Mercedes-Benz Sprinter", "Renault Trafic", "Fiat Ducato"]
TRUCK_MAKES = ["MAN TGX", "Scania R 450", "Volvo FH", "Mercedes-Benz Actros", "DAF XF", "Iveco"]
BUS_MAKES = ["Setra S 515", "Mercedes-Benz Tourismo", "Neoplan Cityliner", "MAN Lion's Coach"]

_BA_PLATE_LETTERS = "AEJKMOT"
CITIES = {
    "BA": ["Sarajevo", "Banja Luka", "Tuzla", "Zenica", "Mostar", "Bihać", "Bijeljina",
           "Doboj", "Brčko", "Trebinje", "Prijedor", "Cazin"],
    "RS": ["Beograd", "Novi Sad", "Niš", "Kragujevac", "Šabac", "Loznica", "Novi Pazar"],
    "HR": ["Zagreb", "Split", "Osijek", "Slavonski Brod", "Vukovar", "Rijeka"],
    "ME": ["Podgorica", "Nikšić", "Pljevlja", "Bijelo Polje", "Herceg Novi", "Rožaje"],
    "AT": ["Wien", "Graz", "Linz", "Salzburg"],
    "DE": ["München", "Stuttgart", "Frankfurt am Main", "Berlin", "Dortmund"],
    "SI": ["Ljubljana", "Maribor", "Celje"],
    "TR": ["İstanbul", "Bursa", "İzmir", "Ankara"],
    "BG": ["Sofia", "Plovdiv", "Varna"],
    "XK": ["Prishtina", "Prizren", "Peja"],
    "AL": ["Tirana", "Shkodër", "Durrës"],
}  # fmt: skip
_STREETS = [
    "Titova",
    "Ulica Kralja Tvrtka",
    "Zmaja od Bosne",
    "Bulevar Mira",
    "Kninska",
    "Njegoševa",
    "Vojvode Putnika",
    "Hauptstraße",
    "Bahnhofstraße",
    "Atatürk Cd.",
]
_PHONE_PREFIX = {"BA": ("+387", ["61", "62", "63", "65", "66"]),
                 "RS": ("+381", ["60", "63", "64", "65"]), "HR": ("+385", ["91", "92", "98"]),
                 "ME": ("+382", ["67", "68", "69"]), "AT": ("+43", ["664", "676"]),
                 "DE": ("+49", ["151", "160", "172"]), "TR": ("+90", ["532", "541"]),
                 "SI": ("+386", ["31", "41"]), "BG": ("+359", ["87", "88"]),
                 "XK": ("+383", ["44", "49"]), "AL": ("+355", ["67", "69"])}  # fmt: skip
_COMPANY_WORDS = ["Trans", "Euro", "Balkan", "Drina", "Sava", "Neretva", "Una", "Adria",
                  "Global", "Star", "Logistik", "Promet", "Cargo", "Express"]  # fmt: skip
_COMPANY_FORM = {
    "BA": "d.o.o.",
    "RS": "d.o.o.",
    "HR": "d.o.o.",
    "ME": "d.o.o.",
    "AT": "GmbH",
    "DE": "GmbH",
    "SI": "d.o.o.",
    "TR": "Ltd. Şti.",
    "BG": "EOOD",
}


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _letters(rng: random.Random, n: int, alphabet: str = string.ascii_uppercase) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def city(rng: random.Random, country: str) -> str:
    return rng.choice(CITIES.get(country, CITIES["DE"]))


def address(rng: random.Random, country: str) -> str:
    return f"{rng.choice(_STREETS)} {rng.randint(1, 140)}, {city(rng, country)}"


def phone(rng: random.Random, country: str) -> str:
    code, nets = _PHONE_PREFIX.get(country, _PHONE_PREFIX["DE"])
    return f"{code} {rng.choice(nets)} {_digits(rng, 3)} {_digits(rng, 3)}"


def document(rng: random.Random, country: str) -> str:
    """One identity document as ``kind:number:issuing country``."""
    if rng.random() < 0.55:
        number = {
            "BA": lambda: _letters(rng, 1) + _digits(rng, 7),
            "RS": lambda: _digits(rng, 9),
            "HR": lambda: _digits(rng, 9),
            "TR": lambda: "U" + _digits(rng, 8),
        }.get(country, lambda: _letters(rng, 2) + _digits(rng, 7))()
        return f"passport:{number}:{country}"
    if country == "BA":
        number = (
            _digits(rng, 1)
            + _letters(rng, 1)
            + _digits(rng, 1)
            + _letters(rng, 1)
            + (_digits(rng, 5))
        )
    else:
        number = _digits(rng, 9)
    return f"id_card:{number}:{country}"


def person(rng: random.Random, nationality: str, *, residence: str | None = None) -> dict[str, Any]:
    """Column values of a person entity (``name`` as written, Latin or Cyrillic)."""
    pools, cyr_share = NAME_POOLS.get(nationality, NAME_POOLS["BA"])
    pool = rng.choices([p for p, _w in pools], weights=[w for _p, w in pools])[0]
    given, family = rng.choice(pool[0]), rng.choice(pool[1])
    if id(pool) in _CYRILLIC_POOLS and rng.random() < cyr_share:
        given, family = to_cyrillic(given), to_cyrillic(family)
    born = date(1958, 1, 1) + timedelta(days=rng.randrange(46 * 365))
    docs = [document(rng, nationality)]
    if rng.random() < 0.25:
        docs.append(document(rng, nationality))
    home = residence or nationality
    return {
        "kind": "person",
        "name": f"{given} {family}",
        "given_names": given,
        "family_name": family,
        "date_of_birth": born,
        "nationality": nationality,
        "identity_documents": "\n".join(dict.fromkeys(docs)),
        "address": address(rng, home) if rng.random() < 0.7 else "",
        "country": home,
        "phone_number": phone(rng, home) if rng.random() < 0.3 else "",
    }


def plate(rng: random.Random, country: str) -> str:
    """A registration plate as written on the vehicle (format of ``country``)."""
    if country == "BA":
        return f"{_letters(rng, 1, string.ascii_uppercase[:10])}{_digits(rng, 2)}-" + (
            f"{rng.choice(_BA_PLATE_LETTERS)}-{_digits(rng, 3)}"
        )
    if country == "RS":
        return f"{rng.choice(['BG', 'NS', 'NI', 'KG', 'ŠA', 'LO', 'NP'])} {_digits(rng, 3)}-" + (
            _letters(rng, 2)
        )
    if country == "HR":
        return f"{rng.choice(['ZG', 'ST', 'OS', 'SB', 'VU', 'RI'])} {_digits(rng, 4)}-" + (
            _letters(rng, 2)
        )
    if country == "ME":
        town = rng.choice(["PG", "NK", "PV", "BP", "HN", "BD"])
        return f"{town} {_letters(rng, 2)}{_digits(rng, 3)}"
    if country == "AT":
        return f"{rng.choice(['W', 'G', 'L', 'S'])} {_digits(rng, 4)}{_letters(rng, 1)}"
    if country == "DE":
        return f"{rng.choice(['M', 'S', 'F', 'B', 'DO'])} {_letters(rng, 2)} {_digits(rng, 4)}"
    if country == "TR":
        return f"{rng.choice(['34', '16', '35', '06'])} {_letters(rng, 3)} {_digits(rng, 3)}"
    return f"{_letters(rng, 2)} {_digits(rng, 4)}"


def vehicle(rng: random.Random, country: str, kind: str) -> dict[str, Any]:
    """Column values of a vehicle entity (``kind``: car, van, truck or bus)."""
    if kind == "car":
        make = rng.choices(CAR_MAKES[0], weights=CAR_MAKES[1])[0]
    else:
        make = rng.choice({"van": VAN_MAKES, "truck": TRUCK_MAKES, "bus": BUS_MAKES}[kind])
    registration = plate(rng, country)
    return {
        "kind": "vehicle",
        "name": registration,
        "vehicle_registration": registration,
        "vehicle_make": make,
        "vehicle_kind": kind,
        "country": country,
    }


def company(rng: random.Random, country: str) -> dict[str, Any]:
    """Column values of a company entity (a carrier, sender or consignee)."""
    words = rng.sample(_COMPANY_WORDS, 2)
    name = f"{words[0]}-{words[1]} {_COMPANY_FORM.get(country, 'Ltd.')}"
    length = {"BA": 13, "RS": 9, "HR": 11, "ME": 8}.get(country, 10)
    return {
        "kind": "company",
        "name": name,
        "registration_number": _digits(rng, length),
        "address": address(rng, country),
        "country": country,
        "phone_number": phone(rng, country) if rng.random() < 0.5 else "",
    }
