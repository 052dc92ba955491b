"""Token detectors, one module per family. `ALL` is what the secrets scanner runs, in
priority order: where two detectors match the same span of a line, the first one wins."""

from __future__ import annotations

from . import ai_vendors, catalog, forges, private_keys, saas, urls
from .base import Detector, Refined, Verdict

FAMILIES = (ai_vendors, forges, saas, private_keys, urls, catalog)
ALL: tuple[Detector, ...] = tuple(d for family in FAMILIES for d in family.DETECTORS)

__all__ = ["ALL", "FAMILIES", "Detector", "Refined", "Verdict"]
