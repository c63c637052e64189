"""The model's features as an officer reads them (translated), for the top features shown
with a screening. Codes stay codes in files and the API; pages call :func:`feature_text`."""

from __future__ import annotations

from kalibar.i18n import _


def _labels() -> dict[str, str]:
    return {
        "text_risk": _("description resembles goods found before"),
        "looks_ch93": _("description resembles arms and ammunition (chapter 93)"),
        "chapter_gap": _("description fits another HS chapter better than the declared one"),
        "z_unit_value_max": _("value per piece unusual for the HS heading"),
        "z_unit_value_min": _("value per piece unusual for the HS heading"),
        "z_value_per_kg_max": _("value per kg unusual for the HS heading"),
        "z_value_per_kg_min": _("value per kg unusual for the HS heading"),
        "z_weight_per_item_max": _("weight per piece unusual for the HS heading"),
        "z_weight_per_item_min": _("weight per piece unusual for the HS heading"),
        "route_origin_differs": _("dispatched from another country than the origin"),
        "route_consignor_differs": _("consignor in another country than the dispatch"),
        "first_time_consignee": _("first declaration of this consignee"),
        "consignee_seen_in_seizure": _("consignee linked to an earlier finding or seizure"),
        "rule_score": _("weight of the rules hit"),
        "hs_mismatch": _("HS code does not match the description's words"),
        "hs_ch93": _("declared under chapter 93"),
        "hs_decoy": _("declared under a heading often used to hide arms"),
        "has_vehicle": _("carried in a vehicle"),
        "n_items": _("number of goods items"),
        "quantity_sum": _("quantity declared"),
        "gross_weight_kg_sum": _("gross weight"),
        "value_eur_sum": _("declared value"),
        "unit_value_max": _("value per piece"),
        "unit_value_min": _("value per piece"),
        "weight_per_item_max": _("weight per piece"),
        "weight_per_item_min": _("weight per piece"),
        "value_per_kg_max": _("value per kg"),
        "value_per_kg_min": _("value per kg"),
        "flow": _("flow"),
        "item_category": _("item category"),
        "transport_mode": _("transport mode"),
    }


def feature_text(name: str) -> str:
    """A feature code (``text_risk``, ``hit:ALARM-TR-BG-SMALL``, ``kw_firearm``) in words."""
    if name.startswith("hit:"):
        return _("rule %(rule)s hit") % {"rule": name[4:]}
    if name.startswith("kw_"):
        return _("description words: %(group)s") % {"group": name[3:].replace("_", " ")}
    return _labels().get(name, name)


#: What every template may call.
TEMPLATE_GLOBALS = {"feature_text": feature_text}
