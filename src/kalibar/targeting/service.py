"""The targeting slice's face: what other slices, the edges and the composition root call.

Targeting screens customs and postal declarations for small arms, their parts and
ammunition. Its modules, by what they hold:

- ``screening`` — screening declarations (API, upload page, CLI import) and storing them
  with their lane so they reach the worklist; ``screen`` the scoring pipeline it runs
  (``features`` → ``rules`` → ``model`` → ``lanes``);
- ``worklist`` — the inspection worklist, a declaration as its officers see it, recorded
  inspections and hit rates;
- ``rules_store`` — agency rule sets (save, back-test, activate; audited);
  ``watchlists``, ``lane_rates`` and ``capacity``, ``model_versions`` (trained risk models);
- ``io_import`` — declaration and history files; ``consignees`` — known-consignee sets.

Other slices read declarations only through :func:`get_declaration` (visibility and the
caller's agency applied), never through the models.
"""

from __future__ import annotations

from kalibar.targeting.io_import import import_declarations
from kalibar.targeting.rules_store import activate as activate_rule_set
from kalibar.targeting.rules_store import rules_for_agency
from kalibar.targeting.rules_store import save as save_rule_set
from kalibar.targeting.screening import (
    import_and_screen,
    screen_declarations,
    upload_and_screen,
)
from kalibar.targeting.worklist import (
    get_declaration,
    get_entry,
    hit_rates,
    list_worklist,
    record_inspection,
)

__all__ = [
    "activate_rule_set",
    "get_declaration",
    "get_entry",
    "hit_rates",
    "import_and_screen",
    "import_declarations",
    "list_worklist",
    "record_inspection",
    "rules_for_agency",
    "save_rule_set",
    "screen_declarations",
    "upload_and_screen",
]
