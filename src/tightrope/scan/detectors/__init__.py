"""Token detectors, one module per family. `ALL` is what the secrets scanner runs, in
priority order: where two detectors match the same span of a line, the first one wins."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from . import ai_vendors, basic_auth, catalog, clouds, connection_params, forges, http_credentials, private_keys, saas, urls
from .base import Detector, Refined, Verdict
from .token_table import Format


class Detectors(Sequence[Detector]):
    """The detectors in priority order. A catalogue entry (`Format`, hundreds of them) becomes
    its `Detector` when first asked for: the prefilter needs only every entry's keywords, and
    a hook run wakes a handful of entries (building them all cost ~3 ms of its start-up)."""

    def __init__(self, entries: Sequence[Detector | Format]) -> None:
        self._entries = list(entries)
        # every detector's keywords, in order, without building the catalogue's detectors
        self.keywords = tuple(e.trigger_keywords if isinstance(e, Format) else e.keywords for e in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, i: int) -> Detector:  # type: ignore[override]  # no slices
        entry = self._entries[i]
        if isinstance(entry, Format):
            entry = self._entries[i] = entry.detector()
        return entry

    def __iter__(self) -> Iterator[Detector]:
        return (self[i] for i in range(len(self._entries)))


FAMILIES = (ai_vendors, forges, saas, clouds, private_keys, connection_params, urls, basic_auth, catalog,
            http_credentials)
ALL = Detectors([d for family in FAMILIES for d in (family.FORMATS if family is catalog else family.DETECTORS)])

__all__ = ["ALL", "FAMILIES", "Detector", "Detectors", "Refined", "Verdict"]
