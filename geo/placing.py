"""Where a sentence's names are: resolved with the sentence's cues, settled by their neighbours, or refused.

A mixin of the Detector (it needs `self.gazetteer` and the article's `self._settled` names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from gazetteer.disambiguate import Cues, Resolution, reconsider_stranger, settle_by_neighbours
from gazetteer.gazetteer import Gazetteer

from .mentions import REGION_APPOSITION, NameMention
from .scope import binds, far_from_the_article


class PlaceReader:
    """Resolve the names patterns made candidates, as an analyst reading the sentence would place them."""

    gazetteer: Gazetteer
    _settled: dict[str, Resolution]

    def _resolve_candidates(self, text: str, mentions: list[NameMention], indexes: set[int], cues: Cues,
                            known: Mapping[str, Resolution]) -> None:
        """Resolve the names that patterns made candidates, with the cues of their sentence."""
        distance = self.gazetteer.distance_cues(text)  # "74 km southeast of Kharkiv", once per sentence
        # "in the Kupiansk direction", "Kharkiv region", "near Bakhmut": where the sentence puts its names.
        # Units and front sectors bind every name of the sentence; a circle ("near X", "south of X", "12 km from
        # X") binds only the names close to its anchor: "... regions, further south around Donetsk" does not.
        areas = self.gazetteer.within_cues(text)
        local = replace(cues, distance=distance) if distance else cues
        for index in indexes:
            mention = mentions[index]
            within = tuple(a for a in areas if binds(text, a, mention))
            here = replace(local, within=within) if within else local
            mention.resolution = self.gazetteer.resolve(mention.surface, here, fuzzy=True)
            if mention.resolution.status == "unresolved" and any(a.sector for a in within):
                # A front sector is named after a town, not drawn around it: with no namesake in its circle, the
                # name is read with the sentence's other cues (a region stated still binds it).
                rest = tuple(a for a in within if not a.sector)
                mention.resolution = self.gazetteer.resolve(mention.surface, replace(local, within=rest), fuzzy=True)
        self._settle_by_neighbours(mentions, local, known)
        settled = self._settled
        for index in indexes:
            res = mentions[index].resolution
            surface = mentions[index].surface
            if res is None or res.best is None:
                continue
            if res.status == "resolved":
                settled.setdefault(surface, res)
            elif res.status == "ambiguous" and (earlier := settled.get(surface)) and earlier.best is not None and any(
                    p.geonameid == earlier.best.geonameid for p, _ in res.candidates):
                mentions[index].resolution = earlier

    def _refusal(self, mention: NameMention, res: Resolution | None, cues: Cues, text: str,
                 regions_said: dict[str, tuple[str, str]] | None) -> str | None:
        """Return why a hit's place is not mapped (its status for unresolved.csv, or "region"), or None."""
        if res is None or res.status != "resolved" or res.best is None:
            return res.status if res else "unresolved"
        place = res.best
        if place.country not in self.gazetteer.countries and place.source == "geonames":
            return "unresolved"  # a look-alike outside the theatre ("Zolota Balka" -> Valka, Latvia)
        if far_from_the_article(place, cues.context_points):
            return "unresolved"  # a namesake hundreds of kilometres from every other place of the report
        if mention.region_suffix and (place.country, place.admin1) in (
                self.gazetteer.region_of(mention.surface), self.gazetteer.seat_region_of(mention.surface)):
            return "region"
        said = REGION_APPOSITION.match(text, mention.end)
        region = self.gazetteer.region_of(said.group(1)) if said else (regions_said or {}).get(mention.surface)
        if region and region != (place.country, place.admin1):
            return "unresolved"  # a namesake in another region than the one reported ("Makiivka, Luhansk Oblast")
        return None

    def _settle_by_neighbours(self, mentions: list[NameMention], cues: Cues,
                              known: Mapping[str, Resolution]) -> None:
        """Decide ambiguous names by the places named beside them in the sentence and the article.

        A name the priors alone resolved to a namesake far from every other place of its list is read again the
        same way ("attacks near Yunakivka, Oleksiivka and Kindrativka": the Kindrativka beside Yunakivka).
        """
        ambiguous = any(m.resolution and m.resolution.status == "ambiguous" for m in mentions)
        strangers = len(mentions) > 1 and any(m.resolution and m.resolution.status == "resolved"
                                              and len(m.resolution.candidates) > 1 for m in mentions)
        if not ambiguous and not strangers:
            return
        points: list[tuple[float, float] | None] = []
        for m in mentions:
            res = m.resolution or known.get(m.surface)
            if ambiguous and (res is None or res.status != "resolved"):  # the article's answer, else the sentence's
                res = self.gazetteer.resolve(m.surface, cues, fuzzy=False)
            if res is None:
                points.append(None)
                continue
            points.append((res.best.lat, res.best.lon) if res.status == "resolved" and res.best else None)
        found = [p for p in points if p is not None]
        # The places of the same sentence first (a list names neighbours), then those of the whole article.
        for i, m in enumerate(mentions):
            if m.resolution and m.resolution.status == "ambiguous":
                m.resolution = settle_by_neighbours(m.resolution, found)
            if m.resolution and m.resolution.status == "ambiguous":
                m.resolution = settle_by_neighbours(m.resolution, [*found, *cues.context_points])
            elif m.resolution and m.resolution.status == "resolved" and len(m.resolution.candidates) > 1:
                others = [p for j, p in enumerate(points) if j != i and p is not None]
                m.resolution = reconsider_stranger(m.resolution, others)
