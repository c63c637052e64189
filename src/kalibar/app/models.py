"""Every slice's models, so ``Base.metadata`` is complete (migrations, tests)."""

from kalibar.agencies import models as agencies_models
from kalibar.analysis import models as analysis_models
from kalibar.audit import models as audit_models
from kalibar.auth import models as auth_models
from kalibar.db.base import Base
from kalibar.federation import models as federation_models
from kalibar.links import models as links_models
from kalibar.matching import models as matching_models
from kalibar.operations import models as operations_models
from kalibar.programme import models as programme_models
from kalibar.records import models as records_models
from kalibar.reference import models as reference_models
from kalibar.reports import models as reports_models
from kalibar.seizures import models as seizures_models
from kalibar.sharing import models as sharing_models
from kalibar.targeting import capacity_models as targeting_capacity_models
from kalibar.targeting import inspection_models as targeting_inspection_models
from kalibar.targeting import model_version_models as targeting_model_version_models
from kalibar.targeting import models as targeting_models
from kalibar.targeting import rule_models as targeting_rule_models
from kalibar.targeting import watchlist_models as targeting_watchlist_models
from kalibar.tracing import models as tracing_models

__all__ = [
    "Base",
    "agencies_models",
    "analysis_models",
    "audit_models",
    "auth_models",
    "links_models",
    "matching_models",
    "operations_models",
    "programme_models",
    "records_models",
    "reference_models",
    "reports_models",
    "seizures_models",
    "sharing_models",
    "targeting_capacity_models",
    "targeting_inspection_models",
    "targeting_model_version_models",
    "targeting_models",
    "targeting_rule_models",
    "targeting_watchlist_models",
    "tracing_models",
    "federation_models",
]
