"""Token detectors, one module per family. `ALL` is what the secrets scanner runs, in
priority order: where two detectors match the same span of a line, the first one wins."""

from __future__ import annotations

from . import ai_vendors, basic_auth, catalog, clouds, connection_params, forges, http_credentials, private_keys, saas, urls
from .base import Detector, Refined, Verdict

FAMILIES = (ai_vendors, forges, saas, clouds, private_keys, connection_params, urls, basic_auth, catalog,
            http_credentials)
ALL: tuple[Detector, ...] = tuple(d for family in FAMILIES for d in family.DETECTORS)

__all__ = ["ALL", "FAMILIES", "Detector", "Refined", "Verdict"]
