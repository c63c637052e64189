"""A second generator of declarations, written without looking at ``demo/targeting/synthetic*``.

Used by ``bench/targeting_generalise.py`` to test a model trained on the first generator's
history on traffic it has never seen. On purpose it shares nothing with the first one:

- goods are built from a noun in one of six languages (bs, hr, sr in Latin and Cyrillic, en,
  de, tr) with qualifiers, sizes and brand-like words, so descriptions rarely repeat;
- decoys are legitimate goods that look suspicious: airsoft replicas, hunting optics
  (riflescopes, "nišan"), 3D-printer nozzles, steel dowel pins, gas springs, gun-cleaning
  kits, licensed dealers' sporting cartridges as cargo under chapter 93;
- concealment schemes differ from the first generator's: pistol frames and slides as
  electronics housings, cartridges in food tins and coffee, barrels as hydraulic tubes,
  "solvent trap" suppressor kits as oil filters, guns among household removals by car,
  parts as fitness-equipment spares, converted blank revolvers from Turkey;
- traders: a network of consignees reused by the schemes, written in Latin or Cyrillic and
  in either name order; everyone else drawn from a large pool of generated names;
- offices, routes and currencies of its own, and a drift: in the later ``drift`` period,
  prices rise, the postal share grows and the schemes' mix shifts.

``generate`` returns item rows with the declaration file's columns, ``inspected`` and
``outcome`` (a control sample and officers' picks, for the traders' history of the early
period) and the truth columns ``truth`` (1 = firearms, parts or ammunition inside) and
``scheme``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

LANGS = ("bs", "hr", "sr_latn", "sr_cyrl", "en", "de", "tr")

_CYR = str.maketrans(
    {
        "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д", "đ": "ђ", "e": "е",
        "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к", "l": "л", "m": "м",
        "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у",
        "v": "в", "z": "з", "ž": "ж",
        "A": "А", "B": "Б", "C": "Ц", "Č": "Ч", "D": "Д", "E": "Е", "G": "Г", "H": "Х",
        "I": "И", "J": "Ј", "K": "К", "L": "Л", "M": "М", "N": "Н", "O": "О", "P": "П",
        "R": "Р", "S": "С", "Š": "Ш", "T": "Т", "U": "У", "V": "В", "Z": "З", "Ž": "Ж",
    }
)  # fmt: skip


def cyrillic(text: str) -> str:
    return text.replace("lj", "љ").replace("nj", "њ").replace("dž", "џ").translate(_CYR)


@dataclass(frozen=True)
class Goods:
    """A kind of goods: nouns per language ("sr" serves both scripts), HS codes, sizes."""

    name: str
    words: dict[str, tuple[str, ...]]
    hs: tuple[str, ...]
    qty: tuple[int, int]
    kg: tuple[float, float]  # per piece
    eur: tuple[float, float]  # per piece
    origin: tuple[str, ...]
    flows: tuple[str, ...] = ("postal", "express", "cargo")
    scheme: str = ""  # illicit when set
    outcome: str = ""
    share: float = 0.0
    vehicle: bool = False


def _w(bs: str, hr: str, sr: str, en: str, de: str, tr: str) -> dict[str, tuple[str, ...]]:
    return {
        k: tuple(v.split("|"))
        for k, v in zip(LANGS[:3] + LANGS[4:], (bs, hr, sr, en, de, tr), strict=True)
    }


LEGIT = (
    Goods(
        "tees",
        _w(
            "majice|pamučne majice",
            "majice kratkih rukava",
            "majice|pamučne majice",
            "t-shirts|cotton tops",
            "T-Shirts|Baumwollshirts",
            "tişört|pamuklu tişört",
        ),
        ("6109.10",),
        (1, 30),
        (0.15, 0.3),
        (3, 15),
        ("CN", "TR", "BD"),
    ),
    Goods(
        "phone",
        _w(
            "maska za telefon|punjač",
            "maskica za mobitel|punjač",
            "futrola za telefon|punjač",
            "phone case|usb charger",
            "Handyhülle|Ladegerät",
            "telefon kılıfı|şarj aleti",
        ),
        ("8517.79", "8504.40"),
        (1, 10),
        (0.03, 0.2),
        (2, 25),
        ("CN", "HK"),
    ),
    Goods(
        "books",
        _w(
            "knjige|udžbenik",
            "knjige|priručnik",
            "knjige|udžbenik",
            "books|paperback",
            "Bücher|Taschenbuch",
            "kitap|roman",
        ),
        ("4901.99",),
        (1, 8),
        (0.3, 0.9),
        (5, 30),
        ("DE", "GB", "US", "RS"),
    ),
    Goods(
        "cosmetics",
        _w(
            "krema za lice|šampon",
            "krema|šampon za kosu",
            "krema za lice|šampon",
            "face cream|shampoo",
            "Gesichtscreme|Shampoo",
            "yüz kremi|şampuan",
        ),
        ("3304.99", "3305.10"),
        (1, 20),
        (0.05, 0.5),
        (2, 40),
        ("FR", "DE", "KR", "TR"),
    ),
    Goods(
        "brakes",
        _w(
            "kočione pločice|filter zraka",
            "kočione pločice|zračni filtar",
            "kočione pločice|filter vazduha",
            "brake pads|air filter",
            "Bremsbeläge|Luftfilter",
            "fren balatası|hava filtresi",
        ),
        ("8708.30", "8421.31"),
        (1, 8),
        (0.4, 2.5),
        (8, 60),
        ("DE", "PL", "CN", "TR"),
    ),
    Goods(
        "kitchen",
        _w(
            "posuđe|tava",
            "posuđe|tava",
            "posuđe|tiganj",
            "cookware|frying pan",
            "Kochgeschirr|Pfanne",
            "tencere|tava",
        ),
        ("7323.93", "7615.10"),
        (1, 6),
        (0.5, 2.0),
        (8, 70),
        ("CN", "IT", "TR"),
    ),
    Goods(
        "supplements",
        _w(
            "vitamini|proteinski prah",
            "vitamini|proteini",
            "vitamini|protein u prahu",
            "vitamins|whey protein",
            "Vitamine|Eiweißpulver",
            "vitamin|protein tozu",
        ),
        ("2106.90",),
        (1, 6),
        (0.2, 2.2),
        (10, 45),
        ("US", "DE", "NL"),
    ),
    Goods(
        "coffee",
        _w(
            "kafa|mljevena kafa",
            "kava|mljevena kava",
            "kafa|mlevena kafa",
            "ground coffee|coffee beans",
            "Kaffee|Kaffeebohnen",
            "türk kahvesi|kahve",
        ),
        ("0901.21",),
        (1, 10),
        (0.25, 1.0),
        (3, 14),
        ("TR", "IT", "BR"),
    ),
    Goods(
        "tins",
        _w(
            "konzerve|riblja konzerva",
            "konzerve|sardine",
            "konzerve|konzervirano meso",
            "canned fish|tinned food",
            "Konserven|Fischkonserven",
            "konserve|ton balığı",
        ),
        ("1604.14", "1602.50"),
        (2, 24),
        (0.15, 0.45),
        (1.5, 6),
        ("TR", "ES", "TH"),
    ),
    Goods(
        "electronics",
        _w(
            "kućište za računar|router",
            "kućište za računalo|usmjerivač",
            "kućište za računar|ruter",
            "pc case|wifi router|laptop dock",
            "PC-Gehäuse|WLAN-Router|Dockingstation",
            "bilgisayar kasası|modem",
        ),
        ("8473.30", "8517.62"),
        (1, 4),
        (0.2, 1.5),
        (20, 120),
        ("CN", "TW"),
    ),
    Goods(
        "pipes",
        _w(
            "hidraulične cijevi|čelične cijevi",
            "hidraulične cijevi|čelične cijevi",
            "hidraulične cevi|čelične cevi",
            "hydraulic tubes|steel tubing",
            "Hydraulikrohre|Stahlrohre",
            "hidrolik boru|çelik boru",
        ),
        ("7304.31", "7306.30"),
        (2, 40),
        (0.8, 3.0),
        (2, 9),
        ("DE", "IT", "CN"),
    ),
    Goods(
        "filters",
        _w(
            "filter za ulje|filter goriva",
            "filtar ulja|filtar goriva",
            "filter za ulje|filter goriva",
            "oil filter|fuel filter",
            "Ölfilter|Kraftstofffilter",
            "yağ filtresi|yakıt filtresi",
        ),
        ("8421.23",),
        (1, 12),
        (0.2, 0.6),
        (4, 15),
        ("DE", "CN", "TR"),
    ),
    Goods(
        "fitness",
        _w(
            "dijelovi za fitness sprave|tegovi",
            "dijelovi za sprave|utezi",
            "delovi za fitnes sprave|tegovi",
            "gym equipment spares|dumbbells",
            "Fitnessgeräteteile|Hanteln",
            "fitness aleti parçası|dambıl",
        ),
        ("9506.91",),
        (1, 6),
        (0.5, 8.0),
        (5, 40),
        ("CN", "DE", "TR"),
    ),
    Goods(
        "furniture",
        _w(
            "polovni namještaj|lične stvari",
            "rabljeni namještaj|osobne stvari",
            "polovan nameštaj|lične stvari",
            "used furniture|personal effects",
            "gebrauchte Möbel|Umzugsgut",
            "kullanılmış mobilya|ev eşyası",
        ),
        ("9403.60", "9905.00"),
        (1, 3),
        (20.0, 120.0),
        (50, 600),
        ("DE", "AT", "CH"),
        flows=("cargo",),
        vehicle=True,
    ),
)

DECOYS = (
    Goods(
        "airsoft",
        _w(
            "airsoft replika|airsoft puška",
            "airsoft replika|softair puška",
            "airsoft replika|airsoft puška",
            "airsoft replica rifle|airsoft pistol",
            "Softair-Gewehr|Softairpistole",
            "airsoft tüfek|airsoft tabanca",
        ),
        ("9503.00", "9304.00"),
        (1, 2),
        (1.0, 3.2),
        (60, 260),
        ("TW", "CN", "JP"),
    ),
    Goods(
        "optics",
        _w(
            "optički nišan za lovačku pušku|dalekozor",
            "optički ciljnik|dalekozor",
            "optički nišan|dvogled",
            "riflescope 3-9x40|hunting binoculars",
            "Zielfernrohr|Jagdfernglas",
            "tüfek dürbünü|av dürbünü",
        ),
        ("9013.10", "9005.10"),
        (1, 2),
        (0.4, 0.9),
        (90, 700),
        ("DE", "AT", "US", "CN"),
    ),
    Goods(
        "nozzles",
        _w(
            "dizne za 3D printer|mlaznice",
            "mlaznice za 3D pisač",
            "dizne za 3D štampač",
            "3D printer nozzle set 0.4mm|hotend nozzles",
            "Düsen für 3D-Drucker",
            "3D yazıcı nozul seti",
        ),
        ("8443.99", "8485.90"),
        (1, 50),
        (0.002, 0.01),
        (0.3, 3),
        ("CN",),
    ),
    Goods(
        "pins",
        _w(
            "čelični klinovi|zatici",
            "čelični zatici|svornjaci",
            "čelični klinovi|čivije",
            "steel dowel pins|cotter pins",
            "Stahlstifte|Passstifte",
            "çelik pim|kopilya",
        ),
        ("7318.24",),
        (50, 2000),
        (0.002, 0.02),
        (0.01, 0.2),
        ("DE", "CN", "IT"),
    ),
    Goods(
        "gas_springs",
        _w(
            "plinske opruge|amortizeri haube",
            "plinske opruge|amortizeri",
            "gasne opruge|amortizeri hauba",
            "gas spring struts|lift supports",
            "Gasdruckfedern|Gasfeder",
            "gazlı amortisör|bagaj amortisörü",
        ),
        ("8412.31", "7320.20"),
        (2, 4),
        (0.3, 0.7),
        (6, 25),
        ("DE", "CN", "PL"),
    ),
    Goods(
        "cleaning",
        _w(
            "pribor za čišćenje oružja|ulje za oružje",
            "pribor za čišćenje oružja",
            "pribor za čišćenje oružja",
            "gun cleaning kit|bore brush",
            "Waffenreinigungsset",
            "silah temizleme seti",
        ),
        ("3403.99", "9603.90"),
        (1, 3),
        (0.2, 0.8),
        (10, 45),
        ("US", "DE", "IT"),
    ),
    Goods(
        "dealer_ammo",
        _w(
            "sportska municija|lovačka municija",
            "streljivo za sport|lovačko streljivo",
            "sportska municija|lovačka municija",
            "sporting cartridges 12/70|.22 LR cartridges",
            "Sportmunition|Jagdpatronen",
            "av fişeği|spor fişeği",
        ),
        ("9306.21", "9306.30"),
        (500, 5000),
        (0.02, 0.04),
        (0.2, 0.6),
        ("IT", "CZ", "RS"),
        flows=("cargo",),
    ),
)

ILLICIT = (
    Goods(
        "frame_in_electronics",
        LEGIT[9].words,
        LEGIT[9].hs,
        (1, 3),
        (0.6, 0.95),
        (120, 400),
        ("US", "AT", "DE"),
        flows=("express", "postal"),
        scheme="frame_in_electronics",
        outcome="parts",
        share=0.00022,
    ),
    Goods(
        "ammo_in_food",
        {k: v + LEGIT[7].words[k] for k, v in LEGIT[8].words.items()},
        LEGIT[8].hs + LEGIT[7].hs,
        (4, 20),
        (0.55, 0.9),
        (1.5, 5),
        ("TR", "RS"),
        flows=("postal", "express"),
        scheme="ammo_in_food",
        outcome="ammunition",
        share=0.00025,
    ),
    Goods(
        "barrel_as_hydraulics",
        LEGIT[10].words,
        LEGIT[10].hs,
        (1, 4),
        (0.5, 1.2),
        (90, 300),
        ("US", "DE", "AT"),
        flows=("express", "postal"),
        scheme="barrel_as_hydraulics",
        outcome="parts",
        share=0.0002,
    ),
    Goods(
        "solvent_trap",
        LEGIT[11].words,
        LEGIT[11].hs,
        (1, 3),
        (0.3, 0.6),
        (80, 250),
        ("US", "CN"),
        flows=("express", "postal"),
        scheme="solvent_trap",
        outcome="parts",
        share=0.0002,
    ),
    Goods(
        "guns_in_removal",
        LEGIT[13].words,
        LEGIT[13].hs,
        (1, 3),
        (25.0, 120.0),
        (50, 500),
        ("DE", "AT", "CH"),
        flows=("cargo",),
        scheme="guns_in_removal",
        outcome="firearms",
        share=0.00015,
        vehicle=True,
    ),
    Goods(
        "parts_as_fitness",
        LEGIT[12].words,
        LEGIT[12].hs,
        (1, 4),
        (0.3, 0.9),
        (70, 260),
        ("US", "CZ", "TR"),
        flows=("express", "postal"),
        scheme="parts_as_fitness",
        outcome="parts",
        share=0.0002,
    ),
    Goods(
        "converted_revolver",
        _w(
            "signalni revolver|startni revolver",
            "signalni revolver",
            "signalni revolver|startni revolver",
            "signal revolver 6mm",
            "Signalrevolver|Schreckschussrevolver",
            "işaret tabancası|kurusıkı revolver",
        ),
        ("9303.90", "9304.00"),
        (1, 3),
        (0.6, 1.0),
        (25, 90),
        ("TR",),
        flows=("postal", "express"),
        scheme="converted_revolver",
        outcome="firearms",
        share=0.00015,
    ),
)

OFFICES = {
    "postal": ("BA-POSTA-SA", "BA-POSTA-BL", "RS-POSTA-BG", "ME-POSTA-PG"),
    "express": ("BA-EXP-SA", "RS-EXP-NS", "HR-EXP-ZG", "ME-EXP-PG"),
    "cargo": ("BA-CARGO-SA", "BA-CARGO-IZACIC", "RS-CARGO-BATROVCI", "HR-CARGO-BREGANA"),
}
CONSIGNEE_COUNTRY = {"BA": 0.5, "RS": 0.3, "ME": 0.1, "HR": 0.1}
FIRST = (
    "Dragan",
    "Milica",
    "Amir",
    "Jasmina",
    "Goran",
    "Ivana",
    "Senad",
    "Marija",
    "Zoran",
    "Lejla",
    "Nenad",
    "Tijana",
    "Haris",
    "Ana",
    "Bojan",
    "Dženana",
    "Marko",
    "Sanja",
)
LAST = (
    "Marković",
    "Hodžić",
    "Kovačević",
    "Delić",
    "Stanković",
    "Jurić",
    "Begović",
    "Ilić",
    "Pavlović",
    "Šarić",
    "Lukić",
    "Mujić",
    "Knežević",
    "Tomić",
    "Perić",
    "Zukić",
)
CURRENCIES = {"EUR": 1.0, "BAM": 0.5113, "RSD": 0.00854, "TRY": 0.028, "USD": 0.92}


def _name(rng: np.random.Generator, first: str, last: str) -> str:
    """One written form of a person: Latin or Cyrillic, either order, sometimes capitals."""
    text = f"{first} {last}" if rng.random() < 0.6 else f"{last} {first}"
    if rng.random() < 0.3:
        text = cyrillic(text)
    if rng.random() < 0.15:
        text = text.upper()
    return text


def _description(rng: np.random.Generator, goods: Goods) -> str:
    lang = LANGS[rng.integers(0, len(LANGS))]
    key = "sr_latn" if lang == "sr_cyrl" else lang
    options = goods.words.get(key) or goods.words["en"]
    text = options[rng.integers(0, len(options))]
    extra = rng.random()
    if extra < 0.25:
        text = f"{text} {rng.integers(1, 60)} {('kom', 'pcs', 'Stk', 'adet')[rng.integers(0, 4)]}"
    elif extra < 0.4:
        text = f"{text} model {chr(65 + rng.integers(0, 26))}{rng.integers(10, 999)}"
    return cyrillic(text) if lang == "sr_cyrl" else text


def generate(
    n: int,
    *,
    seed: int = 11,
    start: datetime | None = None,
    days: int = 270,
    drift_from: float = 0.66,
) -> pl.DataFrame:
    """``n`` declarations over ``days`` (one item each, some with a second); the period
    after ``drift_from`` of the days drifts (see the module docstring)."""
    rng = np.random.default_rng(seed)
    start = start or datetime(2026, 1, 1, tzinfo=UTC)
    seconds = np.sort(rng.integers(0, days * 86400, n))
    late = seconds >= drift_from * days * 86400
    network = [(FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]) for i in range(25)]
    pool = [(f, la) for f in FIRST for la in LAST]
    rows: list[dict[str, str]] = []
    truth: list[tuple[int, str]] = []
    legit_all = (*LEGIT, *DECOYS)
    legit_p = np.asarray([1.0] * len(LEGIT) + [0.35] * len(DECOYS))
    legit_p /= legit_p.sum()
    for i in range(n):
        drift = bool(late[i])
        goods: Goods | None = None
        u = rng.random()
        acc = 0.0
        for g in ILLICIT:
            share = g.share * (
                1.6 if drift and g.scheme in ("ammo_in_food", "solvent_trap") else 1.0
            )
            share *= 0.6 if drift and g.scheme == "converted_revolver" else 1.0
            acc += share * 2  # about 0.3 % of the declarations
            if u < acc:
                goods = g
                break
        illicit = goods is not None
        if goods is None:
            goods = legit_all[rng.choice(len(legit_all), p=legit_p)]
        flows = goods.flows
        if drift and "postal" in flows and rng.random() < 0.3:
            flow = "postal"
        else:
            flow = flows[rng.integers(0, len(flows))]
        origin = goods.origin[rng.integers(0, len(goods.origin))]
        dispatch = origin
        if illicit and rng.random() < 0.45:
            dispatch = ("HU", "SI", "BG", "RO")[rng.integers(0, 4)]
        elif rng.random() < 0.12:
            dispatch = ("DE", "NL", "HU", "SI")[rng.integers(0, 4)]
        if illicit and rng.random() < 0.5:
            first, last = network[rng.integers(0, len(network))]
        else:
            first, last = pool[rng.integers(0, len(pool))]
        consignee = _name(rng, first, last)
        country = list(CONSIGNEE_COUNTRY)[rng.choice(4, p=list(CONSIGNEE_COUNTRY.values()))]
        currency = list(CURRENCIES)[rng.integers(0, len(CURRENCIES))]
        inflate = 1.12 if drift else 1.0
        n_items = 1 if rng.random() < 0.85 else 2
        when = start + timedelta(seconds=int(seconds[i]))
        decl_id = f"X{seed:02d}{i:09d}"
        for k in range(n_items):
            item = goods if k == 0 else LEGIT[rng.integers(0, len(LEGIT) - 1)]
            qty = int(rng.integers(item.qty[0], item.qty[1] + 1))
            kg = qty * rng.uniform(*item.kg)
            eur = qty * rng.uniform(*item.eur) * inflate
            rows.append(
                {
                    "declaration_id": decl_id,
                    "flow": flow,
                    "lodged_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "office": OFFICES[flow][rng.integers(0, len(OFFICES[flow]))],
                    "declared_description": _description(rng, item),
                    "hs_code": item.hs[rng.integers(0, len(item.hs))],
                    "quantity": str(qty),
                    "gross_weight_kg": f"{kg:.3f}",
                    "declared_value": f"{eur / CURRENCIES[currency]:.2f}",
                    "currency": currency,
                    "origin_country": origin if k == 0 else item.origin[0],
                    "dispatch_country": dispatch,
                    "consignor_name": f"Sender {rng.integers(0, 5000)}",
                    "consignor_address": "",
                    "consignor_country": dispatch if rng.random() < 0.9 else origin,
                    "consignee_name": consignee,
                    "consignee_address": f"Ulica {rng.integers(1, 300)}",
                    "consignee_city": ("Sarajevo", "Beograd", "Podgorica", "Zagreb", "Novi Sad")[
                        rng.integers(0, 5)
                    ],
                    "consignee_country": country,
                    "consignee_phone": f"+3876{rng.integers(1_000_000, 9_999_999)}",
                    "transport_mode": "road" if goods.vehicle or flow == "cargo" else "air",
                    "vehicle_registration": (
                        f"{('SA', 'BG', 'NS', 'PG')[rng.integers(0, 4)]}-{rng.integers(100, 999)}"
                        if goods.vehicle
                        else ""
                    ),
                    "item_category": "gift" if flow == "postal" and rng.random() < 0.5 else "sale",
                }
            )
            truth.append((int(illicit), goods.scheme))
    frame = pl.DataFrame(rows).with_columns(
        pl.Series("truth", [t for t, _s in truth], dtype=pl.Int8),
        pl.Series("scheme", [s for _t, s in truth], dtype=pl.Utf8),
    )
    return _inspections(frame, rng)


def _inspections(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """A 2 % control sample and officers' picks (a fifth of the schemes' declarations, a
    tenth of the decoys'); what was inside is found 85 % of the time."""
    per = frame.group_by("declaration_id", maintain_order=True).agg(
        pl.col("truth").first(), pl.col("scheme").first(), pl.col("hs_code").first()
    )
    truth = per["truth"].to_numpy().astype(bool)
    decoy_hs = {h for g in DECOYS for h in g.hs}
    decoy = per["hs_code"].is_in(list(decoy_hs)).to_numpy()
    p = np.where(truth, 0.2, np.where(decoy, 0.1, 0.0)) + 0.02
    inspected = rng.random(per.height) < p
    found = truth & (rng.random(per.height) < 0.85)
    outcome = (
        per["scheme"]
        .replace_strict({g.scheme: g.outcome for g in ILLICIT}, default="no_finding")
        .to_numpy()
    )
    outcome = np.where(inspected, np.where(found, outcome, "no_finding"), "")
    flags = pl.DataFrame(
        {
            "declaration_id": per["declaration_id"],
            "inspected": np.where(inspected, "1", "0"),
            "outcome": outcome.astype(str),
        }
    )
    return frame.join(flags, on="declaration_id", how="left", maintain_order="left")


__all__ = ["generate"]
