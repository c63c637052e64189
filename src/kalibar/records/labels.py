"""Translated labels for record values, shared by pages, exports and reports."""

from __future__ import annotations

from kalibar.i18n import N_

STATUS_LABELS = {
    "lost": N_("lost"),
    "stolen": N_("stolen"),
    "trafficked": N_("trafficked"),
    "smuggled": N_("smuggled"),
    "seized": N_("seized"),
    "found": N_("found"),
    "surrendered": N_("surrendered"),
    "destroyed": N_("destroyed"),
}
TYPE_LABELS = {
    "pistol": N_("pistol"),
    "revolver": N_("revolver"),
    "rifle": N_("rifle"),
    "assault_rifle": N_("assault rifle"),
    "carbine": N_("carbine"),
    "shotgun": N_("shotgun"),
    "sub_machine_gun": N_("sub-machine gun"),
    "machine_gun": N_("machine gun"),
    "other_salw": N_("other small arm or light weapon"),
}
MODIFICATION_LABELS = {
    "converted_alarm": N_("converted alarm, gas or signal weapon"),
    "reactivated": N_("reactivated"),
    "home_made": N_("home-made"),
    "printed_3d": N_("3D-printed"),
    "obliterated_serial": N_("obliterated serial"),
}
DISTRIBUTION_LABELS = {
    "agency": N_("my agency only"),
    "national": N_("all agencies of my country"),
    "partners": N_("my country and partner countries"),
    "group": N_("a sharing group"),
}

TEMPLATE_GLOBALS = {
    "status_labels": STATUS_LABELS,
    "type_labels": TYPE_LABELS,
    "modification_labels": MODIFICATION_LABELS,
    "distribution_labels": DISTRIBUTION_LABELS,
}
