"""The templates of the synthetic generator: planted patterns and look-alike noise.

See ``synthetic`` for what each pattern means.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    pattern: str  # "" for legitimate goods
    share: float  # of declarations
    flows: tuple[str, ...]
    descriptions: tuple[str, ...]
    hs: tuple[str, ...]
    qty: tuple[int, int]
    unit_kg: tuple[float, float]
    unit_eur: tuple[float, float]
    origin: tuple[str, ...]
    dispatch: tuple[str, ...]
    consignee: tuple[str, ...] = ("BA",)
    outcome: str = ""
    vehicle: bool = False
    transport: str = ""
    items: int = 1  # up to this many goods items


ILLICIT = (
    Template(
        "alarm_tr_bg",
        0.00012,
        ("express", "postal"),
        (
            "Alarm pistol",
            "Alarmni pištolj",
            "Алармни пиштољ",
            "Starting pistol 9mm PAK",
            "Gasni pištolj",
            "Kurusıkı tabanca",
            "Signal pistol",
        ),
        ("9303.90", "9304.00"),
        (1, 4),
        (0.7, 1.1),
        (18, 60),
        ("TR",),
        ("BG",),
        ("BA", "RS", "ME"),
        "firearms",
    ),
    Template(
        "parts_as_tools",
        0.00010,
        ("postal", "express"),
        (
            "Hand tool set",
            "Set alata",
            "Auto parts",
            "Ауто дијелови",
            "Steel pins",
            "Čelične igle",
            "Spare part",
        ),
        ("8205.59", "8708.99", "7318.24"),
        (1, 3),
        (0.15, 0.6),
        (60, 250),
        ("US", "DE", "AT", "CZ"),
        ("US", "DE", "AT", "CZ"),
        ("BA", "RS", "HR"),
        "parts",
    ),
    Template(
        "ammo_postal",
        0.00008,
        ("postal",),
        (
            "Fishing weights",
            "Olovo za ribolov",
            "Sport accessories",
            "Metalni dijelovi",
            "Спортска опрема",
        ),
        ("9506.99", "7326.90", "9507.90"),
        (1, 2),
        (1.5, 3.5),
        (5, 15),
        ("RS", "HR", "SI", "AT"),
        ("RS", "HR", "SI", "AT"),
        ("BA", "ME"),
        "ammunition",
    ),
    Template(
        "printer_3d_barrel",
        0.00006,
        ("postal", "express"),
        (
            "3D printer nozzle",
            "3D printer parts",
            "Dijelovi za 3D pisač",
            "Extruder hotend kit",
            "Mlaznica za 3D štampač",
        ),
        ("8485.90", "8477.90"),
        (1, 2),
        (0.25, 0.6),
        (30, 90),
        ("CN", "US"),
        ("CN", "US"),
        ("BA", "RS", "HR"),
        "parts",
    ),
    Template(
        "ant_vehicle",
        0.00006,
        ("cargo",),
        ("Personal belongings", "Lične stvari", "Household goods", "Кућне ствари"),
        ("6307.90", "9403.60"),
        (1, 3),
        (5, 20),
        (20, 100),
        ("BA", "RS"),
        ("BA", "RS"),
        ("HR", "SI", "AT"),
        "firearms",
        True,
        "bus",
    ),
)

LEGIT = (
    Template(
        "",
        0.0004,
        ("cargo",),
        ("Alarm pistols", "Alarmni pištolji", "Startni pištolji"),
        ("9303.90",),
        (50, 400),
        (0.7, 1.1),
        (25, 45),
        ("TR",),
        ("BG", "TR"),
        ("BA", "RS"),
    ),
    Template(
        "",
        0.004,
        ("cargo", "express", "postal"),
        ("Hand tool set", "Set alata", "Drill bit set", "Alati", "Алати"),
        ("8205.59", "8207.50"),
        (1, 20),
        (0.8, 6.0),
        (8, 60),
        ("DE", "CN", "TR", "IT"),
        ("DE", "CN", "TR", "IT"),
    ),
    Template(
        "",
        0.006,
        ("cargo", "express", "postal"),
        (
            "Auto parts",
            "Auto dijelovi",
            "Exhaust muffler",
            "Ауто делови",
            "Brake pads",
            "Spare part",
        ),
        ("8708.30", "8708.92", "8708.99"),
        (1, 8),
        (2.0, 15.0),
        (15, 120),
        ("DE", "IT", "CN", "PL"),
        ("DE", "IT", "CN", "PL"),
    ),
    Template(
        "",
        0.003,
        ("cargo", "express"),
        ("Steel pins", "Čelične igle", "Dowel pins", "Metalni klinovi", "Springs"),
        ("7318.24", "7320.20"),
        (100, 5000),
        (0.002, 0.02),
        (0.02, 0.3),
        ("CN", "DE", "IT"),
        ("CN", "DE", "IT"),
    ),
    Template(
        "",
        0.004,
        ("postal", "express"),
        (
            "Fishing weights",
            "Olovo za ribolov",
            "Fishing equipment",
            "Sportska oprema",
            "Sport accessories",
        ),
        ("9506.99", "9507.90"),
        (1, 5),
        (0.05, 0.6),
        (5, 40),
        ("CN", "DE", "HR", "SI"),
        ("CN", "DE", "HR", "SI"),
    ),
    Template(
        "",
        0.003,
        ("postal", "express"),
        (
            "3D printer nozzle",
            "3D printer parts",
            "Mlaznica za 3D štampač",
            "PLA filament",
            "Extruder hotend kit",
        ),
        ("8485.90", "8477.90", "3916.90"),
        (1, 10),
        (0.005, 0.06),
        (2, 25),
        ("CN", "US"),
        ("CN", "US"),
    ),
    Template(
        "",
        0.010,
        ("cargo",),
        ("Personal belongings", "Lične stvari", "Household goods", "Кућне ствари"),
        ("6307.90", "9403.60"),
        (1, 5),
        (5, 30),
        (20, 300),
        ("BA", "RS"),
        ("BA", "RS"),
        ("HR", "SI", "AT", "DE"),
        vehicle=True,
        transport="bus",
    ),
    Template(
        "",
        0.002,
        ("postal",),
        ("Toy gun", "Igračka pištolj", "Airsoft replica"),
        ("9503.00",),
        (1, 3),
        (0.1, 0.9),
        (5, 40),
        ("CN",),
        ("CN",),
    ),
    Template(
        "",
        0.0,
        ("postal", "express", "cargo"),  # the rest: ordinary goods
        (
            "T-shirt",
            "Majica",
            "Jakna",
            "Mobile phone charger",
            "Punjač za telefon",
            "Books",
            "Knjige",
            "Cosmetics",
            "Kozmetika",
            "Shoes",
            "Cipele",
            "Одећа",
        ),
        ("6109.10", "6201.40", "8504.40", "4901.99", "3304.99", "6403.99", "6204.62"),
        (1, 10),
        (0.1, 2.0),
        (3, 80),
        ("CN", "DE", "TR", "IT", "US", "GB"),
        ("CN", "DE", "TR", "IT", "US", "GB"),
        items=3,
    ),
)
TEMPLATES = (*ILLICIT, *LEGIT)
OFFICES = {
    "postal": ("BA-POST-SA", "BA-POST-BL"),
    "express": ("BA-EXP-SA", "BA-EXP-MO"),
    "cargo": ("BA-CARGO-SA", "BA-IZACIC", "BA-GRADISKA"),
}
_CURRENCY = {"BA": "BAM", "RS": "RSD", "ME": "EUR", "HR": "EUR"}
_EUR_PER = {"BAM": 0.5113, "RSD": 0.00854, "EUR": 1.0}
_NAMES = (
    "Đorđe Đorđević",
    "Ђорђе Ђорђевић",
    "Amir Hodžić",
    "Marko Marković",
    "Ivana Kovač",
    "Emina Begić",
    "Nikola Jovanović",
    "Ana Babić",
    "Selma Mehić",
    "Petar Petrović",
    "Trgovina Oružje d.o.o.",
    "Lovac d.o.o.",
    "Auto Servis Zenica doo",
    "Мирко Илић",
)
_SENDERS = (
    "Ekol Silah San. Tic. A.S.",
    "Retay Arms",
    "Amazon EU",
    "AliExpress Seller",
    "eBay Seller",
    "Temu",
    "Bosch Werkzeuge GmbH",
    "Privatperson",
    "John Smith",
    "Hans Müller",
    "Anna Nowak",
)
_CITIES = (
    "Sarajevo",
    "Banja Luka",
    "Tuzla",
    "Mostar",
    "Zenica",
    "Bijeljina",
    "Beograd",
    "Podgorica",
    "Zagreb",
    "Bihać",
)
