"""Tests for geo.lexicon: generated forms, derived indexes, and every lemma in every construction it declares.

The construction walk builds a sentence for each form of each family from the data file itself, so a lemma
added to geo/data/lexicon.json is tested without a new row here; each positive sentence has a negative twin
(an intention, or a direction named after the town) that must give no event.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geo import grammar
from geo.detect import Detector
from geo.lexicon import Family, Lexicon, default_lexicon, verb_forms
from geo.model import Article

LEX = default_lexicon()
DAY = dt.date(2024, 6, 5)  # a Wednesday
KUPIANSK = 703656


@pytest.mark.parametrize(("entry", "forms"), [
    ("capture", ("capture", "captures", "captured", "captured", "capturing")),
    ("seize", ("seize", "seizes", "seized", "seized", "seizing")),
    ("take|took|taken", ("take", "takes", "took", "taken", "taking")),
    ("repel+", ("repel", "repels", "repelled", "repelled", "repelling")),
    ("stop+", ("stop", "stops", "stopped", "stopped", "stopping")),
    ("occupy", ("occupy", "occupies", "occupied", "occupied", "occupying")),
    ("push", ("push", "pushes", "pushed", "pushed", "pushing")),
    ("free", ("free", "frees", "freed", "freed", "freeing")),
    ("take back|took back|taken back", ("take back", "takes back", "took back", "taken back", "taking back")),
    ("win+ back|won back|won back", ("win back", "wins back", "won back", "won back", "winning back")),
    ("=occupied", ("occupied",) * 5),
])
def test_verb_forms(entry: str, forms: tuple[str, ...]) -> None:
    f = verb_forms(entry)
    assert (f.base, f.third, f.past, f.participle, f.gerund) == forms


@pytest.mark.parametrize("bad", [{"class": "won"}, {"side": "somebody"}, {"confidence": 1.5}])
def test_a_family_with_a_bad_field_is_refused(bad: dict) -> None:
    spec = {"name": "x", "engine": "change", "cls": "change", "side": "agent", "confidence": 0.5,
            "constructions": (), "verbs": (), "nouns": ()}
    spec.update({("cls" if k == "class" else k): v for k, v in bad.items()})
    with pytest.raises(ValueError):
        Family(**spec)  # type: ignore[arg-type]


def test_the_shipped_lexicon_loads_every_family() -> None:
    assert {"capture", "retake", "withdraw", "fight", "attack", "advance", "fall"} <= set(LEX.families)
    assert isinstance(Lexicon.load(), Lexicon)


# -- every form reaches the keyword index and the sentence pre-filter (derived, never listed twice) ----------
_GROUP_OF_ENGINE = {"change": "change", "lose": "lose", "enter": "enter", "withdraw": "withdraw",
                    "nominal": "nominal", "fight": "fight"}
_EVERY_FORM = sorted({(fam.engine, form) for fam in LEX.families.values()
                      for form in (*fam.active_forms(), *fam.nouns)})


@pytest.mark.parametrize(("engine", "form"), _EVERY_FORM)
def test_every_form_is_in_the_keyword_index_and_the_prefilter(engine: str, form: str) -> None:
    first = re.match(r"[a-z]+", form).group()  # type: ignore[union-attr]  # the index is keyed by letters
    group = _GROUP_OF_ENGINE[engine]
    words = grammar.LEFT_KEYWORD_WORDS[group] | grammar.LEFT_KEYWORD_WORDS["contest"]
    assert first in words or (engine == "fight" and first in grammar.LEFT_KEYWORD_WORDS["fight"])
    assert grammar.TRIGGER_HINT.search(form)


# -- every lemma in its constructions, each with a negative twin ----------------------------------------------
@pytest.fixture(scope="module")
def detector(gazetteer) -> Detector:  # type: ignore[no-untyped-def]
    """Return a detector over the real gazetteer."""
    return Detector(gazetteer)


def _events(detector: Detector, text: str) -> set[tuple[str, str, str | None]]:
    found = detector.detect(Article("t", text, published=DAY))
    return {(e.place.name, e.kind, e.side) for e in found.events if e.place.geonameid == KUPIANSK}


def _cases(construction: str, engines: tuple[str, ...]) -> list[tuple[str, str]]:
    return sorted({(fam.name, verb.past) for fam in LEX.families.values()
                   if fam.engine in engines and construction in fam.constructions and not fam.object
                   for verb in fam.verbs})


@pytest.mark.parametrize(("family", "past"), _cases("active", ("change",)))
def test_change_verbs_fire_in_the_active_voice(detector: Detector, family: str, past: str) -> None:
    found = _events(detector, f"Russian troops {past} Kupiansk on Tuesday.")
    assert found and all(kind in ("captured", "retaken") and side == "RU" for _, kind, side in found), found
    assert _events(detector, f"Russian troops plan to {past} Kupiansk next month.") == set()


@pytest.mark.parametrize("participle", sorted(
    {p for fam in LEX.families.values() if fam.cls == "change" and "passive" in fam.constructions
     for p in fam.participles()}))
def test_change_participles_fire_in_the_passive(detector: Detector, participle: str) -> None:
    found = _events(detector, f"Kupiansk was {participle} by Russian troops on Tuesday.")
    assert {side for _, _, side in found} == {"RU"}, found
    assert _events(detector, f"Kupiansk could be {participle} by Russian troops within weeks.") == set()


@pytest.mark.parametrize("noun", sorted(LEX.fight_triggers("report")))
def test_fight_words_make_a_reported_place_contested(detector: Detector, noun: str) -> None:
    family = LEX.families[LEX.fight_triggers("report")[noun]]
    prep = "near" if "near" not in LEX.prepositions_not_for.get(family.name, ()) else "around"
    text = f"Over the past day Russian forces reported {noun} {prep} Kupiansk and Kurylivka."
    assert _events(detector, text) == {("Kupyansk", "contested", None)}, text
    # The same words before "the Kupiansk direction" name an axis of the front, not fighting in the town.
    twin = f"Over the past day Russian forces reported {noun} in the Kupiansk direction."
    assert _events(detector, twin) == set(), twin


@pytest.mark.parametrize("noun", sorted(
    n for fam in LEX.families.values() if fam.engine == "nominal" and fam.cls != "contested" for n in fam.nouns))
def test_change_nouns_fire_as_nominalizations(detector: Detector, noun: str) -> None:
    of = "from" if LEX.noun_families()[noun].cls == "withdraw" else "of"
    text = f"Russian troops completed the {noun} {of} Kupiansk on Tuesday."
    assert _events(detector, text), text
    assert _events(detector, f"Russian troops fear the {noun} {of} Kupiansk.") == set()


@pytest.mark.parametrize(("text", "expected"), [
    # lists announced with a colon, "namely" or "including", and semicolon-separated report lists
    ("The General Staff reported clashes in the areas of the following settlements: Kurylivka, Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("Russian forces attacked near several villages, namely Kurylivka and Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("Russian forces continued offensive operations near Kurylivka; and near Kupiansk on June 4.",
     {("Kupyansk", "contested", None)}),
    # no ground fighting at the place: an air strike, talks, a feared assault, pressure without armed men
    ("A Russian drone attack near Kupiansk damaged a school.", set()),
    ("Officials held talks in Kupiansk on Tuesday.", set()),
    ("Mines were laid to prevent an assault on Kupiansk.", set()),
    ("Western pressure on Kupiansk's council grew.", set()),
    # bearings, not fighting: "toward X", "west of X"
    ("Russian forces advanced toward Kupiansk.", set()),
    ("Russian forces continued offensive operations west of Kupiansk.", set()),
    # the fighting is "where" after the place
    ("Russian units stormed Kurylivka and Kupiansk, where street fighting was under way.",
     {("Kupyansk", "contested", None)}),
    # fighting one's way in, armed men seen there, positions improved near a place
    ("Volunteer battalions fought their way into Kupiansk on Tuesday.", {("Kupyansk", "contested", None)}),
    ("Russian troops were filmed in Kurylivka and Kupiansk.", {("Kupyansk", "captured", "RU")}),
    ("Tourists were filmed in Kupiansk.", set()),
    ("Russian units improved their positions near Kupiansk.", {("Kupyansk", "contested", None)}),
    # the Russian ministry's "inflicted losses on ... brigades near X": fighting at X
    ("The battlegroup improved its position and inflicted losses on four enemy brigades near Kupiansk.",
     {("Kupyansk", "contested", None)}),
    # a flag raised "where" after the place; the side that reports its own "liberation"
    ("Marines posted a video from Kupiansk, where they raised the Ukrainian flag over the council.",
     {("Kupyansk", "retaken", "UA")}),
    ("Kupiansk, located east of the Oskil, was liberated, according to the Russian Defence Ministry.",
     {("Kupyansk", "captured", "RU")}),
    # "the Ukrainian-held town of X" names no place "Ukrainian-held"
    ("Russia launched an offensive operation around the Ukrainian-held town of Kupiansk.",
     {("Kupyansk", "contested", None)}),
    # a withdrawal ordered is the news of the day; an order to capture is an intention
    ("Ukrainian troops were ordered to withdraw from Kupiansk on Tuesday.", {("Kupyansk", "withdrawn", "RU")}),
    ("Russian troops were ordered to capture Kupiansk.", set()),
])
def test_report_register_table(detector: Detector, text: str, expected: set) -> None:
    assert _events(detector, text) == expected


# -- a change announced for a number of places, then listed -----------------------------------------------
@pytest.mark.parametrize(("family", "past"), _cases("active", ("change",)))
def test_a_counted_change_binds_the_list_that_follows(detector: Detector, family: str, past: str) -> None:
    for text in (f"Russian troops {past} three villages, among them Kurylivka and Kupiansk.",
                 f"Russian troops {past} three villages this week. Among them: Kurylivka and Kupiansk."):
        found = _events(detector, text)
        assert found and all(side == "RU" for _, _, side in found), text
    # the same list after a verb of no change, in the same sentence or the next
    assert _events(detector, "Russian troops shelled three villages this week. Among them: Kurylivka and "
                             "Kupiansk.") == set()


@pytest.mark.parametrize("participle", sorted(
    {p for fam in LEX.families.values() if fam.cls == "change" and "passive" in fam.constructions
     for p in fam.participles()}))
def test_a_counted_passive_binds_its_list(detector: Detector, participle: str) -> None:
    text = f"Over the past day, ten settlements were {participle} by Russian troops, including Kurylivka and Kupiansk."
    assert {side for _, _, side in _events(detector, text)} == {"RU"}, text
    assert _events(detector, f"Ten settlements could be {participle} soon, including Kurylivka and Kupiansk.") \
        == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("Among the settlements that returned under Ukrainian control are Kurylivka and Kupiansk.",
     {("Kupyansk", "retaken", "UA")}),
    ("The villages captured by Russian forces this week include Kurylivka and Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
    ("The villages shelled by Russian forces this week include Kurylivka and Kupiansk.", set()),
    # a pronoun subject is who speaks, not the troops named between
    ("The Russian defence ministry said the encirclement of Ukrainian troops was complete and that it had taken "
     "Kupiansk.", {("Kupyansk", "captured", "RU")}),
    # armed men shown in a place; people who are not armed men are not
    ("Footage shows Russian soldiers in the centre of Kupiansk.", {("Kupyansk", "captured", "RU")}),
    ("Footage shows destroyed houses in Kupiansk.", set()),
    ("Russian units reached Kupiansk on Tuesday.", {("Kupyansk", "captured", "RU")}),
    ("The Russian delegation reached Kupiansk on Tuesday.", set()),
    ("Reinforcements were sent to prevent Russian forces from reaching Kupiansk.", set()),
    # a region named as words, and a city that is a region of its own ("Kharkiv region" is the oblast)
    ("Russian forces captured the following settlements in Kharkiv region: Kurylivka, Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
    ("In the Kupiansk direction, 18 attacks were repelled near Kurylivka and Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("The enemy launched 29 attacks on Kurylivka and near the settlements of Kupiansk and Petropavlivka.",
     {("Kupyansk", "contested", None)}),
    ("Russian forces captured Kurylivka, 10 km south of Kupiansk, as well as Kupiansk itself.",
     {("Kupyansk", "captured", "RU")}),
])
def test_counted_lists_pronouns_and_presence(detector: Detector, text: str, expected: set) -> None:
    assert _events(detector, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a withdrawal in the passive: the agent after "by", or the forces "in X" before it, lose the place
    ("The town of Kupiansk had also been abandoned by the insurgents.", {("Kupyansk", "withdrawn", "UA")}),
    ("Russian forces in the Kurylivka and Kupiansk areas were being regrouped to strengthen efforts in the Donetsk "
     "direction.", {("Kupyansk", "withdrawn", "UA")}),
    ("Kupiansk was left without power after the strike.", set()),
    ("Ukrainian forces withdrew to new positions west of Kurylivka and Kupiansk.", {("Kupyansk", "withdrawn", "RU")}),
    ("Over the past week, seven settlements were liberated: Kurylivka in the Kharkiv region, and Kupiansk.",
     {("Kupyansk", "retaken", "UA")}),
    ("Soldiers of the 14th brigade showed the Ukrainian flag in Kupiansk.", {("Kupyansk", "retaken", "UA")}),
    # a region said after a list item binds that item, not the items after ", and"
    ("Ukrainian forces liberated 8 settlements: Vuhledar in the Donetsk region, and Kurylivka and Kupiansk.",
     {("Kupyansk", "retaken", "UA")}),
    # a front sector named after a town far from the place does not make it unresolved
    ("On the Izium direction, Russian forces unsuccessfully tried to regain lost positions near Kupiansk.",
     {("Kupyansk", "contested", None)}),
    # cleared of the other side's troops; "mopping up" a village; infantry and long unit names before "near"
    ("Kurylivka and Kupiansk of the Kupiansk hromada were cleared of Russian troops.",
     {("Kupyansk", "retaken", "UA")}),
    ("Russian forces were mopping up the town of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Russian infantry reached the eastern outskirts of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("With the support of aviation and artillery, units repelled three attacks by assault groups of the 47th and "
     "65th mechanised brigades of the Ukrainian armed forces in the areas of Kurylivka and Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("Russian units are fighting on the south-eastern approaches to Kupiansk.", {("Kupyansk", "contested", None)}),
    # the report register with its place first; not a speaker's place, not air strikes
    ("In the area of Kupiansk, assault groups improved their tactical position and repelled five counterattacks.",
     {("Kupyansk", "contested", None)}),
    ("Near Kupiansk, to the west, Ukrainian units counterattacked and pushed the enemy back.",
     {("Kupyansk", "contested", None)}),
    ("In Kupiansk, officials said fighting continued in the east.", set()),
    ("In Kupiansk, Russian drones attacked a power plant.", set()),
    # part of a place held: fought over; a hedged past gain is no forecast
    ("The allied forces controlled about half of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Ukrainian troops continue to hold the northern part of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Russian forces have likely made small gains around the village of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("A likely assault on Kupiansk worries officials.", set()),
    # lists: "including near", a second bearing segment, "claimed N settlements, including X"
    ("Russian forces attacked 56 times in the Pokrovsk sector, including near Kurylivka and Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("Russian forces attacked east of Borova near Bohuslavka and Kurylivka and southeast of Borova near Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("The Russian defence ministry claimed another string of settlements, including Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
    # a false claim the article names as such, a forecast of pressure, a push into a city's centre
    ("Russian officials continue to falsely claim that Russian forces seized Kupiansk.", set()),
    ("Russian forces are likely to continue to apply pressure near Kurylivka and Kupiansk.", set()),
    ("Russian troops have pushed into the center of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Russian troops rolled into Kupiansk.", {("Kupyansk", "captured", "RU")}),
    # fighting tried: an attempt to take a place is fighting there, unless denied, hypothetical or a long siege
    ("Moscow's forces are trying to take Kurylivka and Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Russian troops have been trying to encircle Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Russia lacks the forces to attempt to capture Kupiansk.", set()),
    ("An attempt to storm Kupiansk would be far harder.", set()),
    ("Russia has been trying to take Kupiansk since the summer of 2024.", set()),
    ("Russia plans to capture Kupiansk by spring.", set()),
    ("Ukraine's military said it had repelled Russian attacks on Kupiansk overnight.",
     {("Kupyansk", "contested", None)}),
    ("Russian attacks on Kupiansk killed five people.", set()),
    ("Ukrainian forces are dug in on the western edge of Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Ukrainian forces had been ordered to withdraw from Kupiansk.", {("Kupyansk", "withdrawn", "RU")}),
    # fire traded, a ring tightened, a town cut off, a mopping-up, clearing (ongoing) and cleared (done)
    ("Government forces traded fire around Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Units are continuing to tighten the ring around Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Kupiansk remains cut off.", {("Kupyansk", "contested", None)}),
    ("Kupiansk remained occupied until September.", set()),
    ("The Russian ministry said its troops had completed the mopping-up of Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
    ("The military says its troops are continuing to clear Kupiansk of Russian infiltration groups.",
     {("Kupyansk", "contested", None)}),
    ("An attempt to cut off Russian troops in the Kupiansk district.", set()),
    ("Defeat was inflicted on the manpower of three mechanised brigades near Kurylivka and Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("Separatist forces attacked Ukrainian positions in Kurylivka and Kupiansk.", {("Kupyansk", "contested", None)}),
    ("Russian forces liberated 24 settlements this week. Among them are Kurylivka and Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
    ("The settlements of Kurylivka and Kupiansk, adjacent to the river, were also freed by Ukrainian troops.",
     {("Kupyansk", "retaken", "UA")}),
    ("The ministry did not comment on Kupiansk itself, where, according to Ukrainian sources, fighting continues.",
     {("Kupyansk", "contested", None)}),
    # a fronted list, units enumerated with commas, a relative "which Russia claimed on ..."
    ("Near Kurylivka and Kupiansk, our units repelled 5 attacks.", {("Kupyansk", "contested", None)}),
    ("Units of the Zapad group inflicted defeat on formations of a mechanised brigade, an airmobile brigade and two "
     "territorial defence brigades in the areas of the settlements of Kurylivka and Kupiansk.",
     {("Kupyansk", "contested", None)}),
    ("Kupiansk, which Russia claimed on 16 November, appears to be under Russian control.",
     {("Kupyansk", "captured", "RU")}),
    ("Kupiansk, which Kyiv claimed was safe, was shelled.", set()),
    # what an analyst foresees is not reported; "rather than to take X" is no attempt
    ("We expect the Ukrainian command to face a decision on withdrawing from Kupiansk within the next two weeks.",
     set()),
    ("The most likely developments in the coming weeks are the loss of Kurylivka and Kupiansk.", set()),
    ("The command may have been trying to create a buffer zone rather than to take Kupiansk.", set()),
    ("In November, Russian troops took a string of villages east of the town, including Kurylivka and Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
    # a Russian group with a gloss in brackets; a relative clause's claim is its antecedent's
    ("Units of the Zapad (West) group of forces liberated Kurylivka and Kupiansk.", {("Kupyansk", "captured", "RU")}),
    ("Ukrainian troops withdrew from Kurylivka, according to the Russian Defense Ministry, which also claimed to "
     "have taken Kupiansk.", {("Kupyansk", "captured", "RU")}),
    # a possessive object is the thing owned, or a part of the place
    ("Russian troops seized Kupiansk's police station.", set()),
    ("Russian troops pushed into Kupiansk's southern districts.", {("Kupyansk", "contested", None)}),
    # a Russian group of forces named in quotes, and the subject that completes a deed named by a noun
    ('Units of the "Zapad" group of forces completed the liberation of Kupiansk, the ministry said.',
     {("Kupyansk", "captured", "RU")}),
    # an aim, a lack of interest, an unlikely reach
    ('Kyiv had "no interest" in taking Kupiansk.', set()),
    ("Russian forces are unlikely to be able to reach Kupiansk this year.", set()),
])
def test_passive_withdrawals_possessives_and_aims(detector: Detector, text: str, expected: set) -> None:
    assert _events(detector, text) == expected


# -- namesakes settled by the places named beside them, and by bearings ---------------------------------------
def test_an_ambiguous_name_takes_the_namesake_beside_its_neighbours() -> None:
    from gazetteer.disambiguate import Resolution, settle_by_neighbours
    from gazetteer.place import Place

    near = Place("a", "Terny", 49.09, 37.96, "UA", "05")
    far = Place("b", "Terny", 48.15, 33.56, "UA", "04")
    ambiguous = Resolution("Terny", "ambiguous", far, ((far, 5.0), (near, 4.9)))
    settled = settle_by_neighbours(ambiguous, [(49.05, 37.95)])  # Torske, 5 km away
    assert (settled.status, settled.best) == ("resolved", near)
    # Two namesakes near the neighbours, or none: the name stays ambiguous.
    twin = Place("c", "Terny", 49.12, 37.90, "UA", "05")
    both = Resolution("Terny", "ambiguous", near, ((near, 5.0), (twin, 4.9), (far, 4.0)))
    assert settle_by_neighbours(both, [(49.05, 37.95)]).status == "ambiguous"
    assert settle_by_neighbours(ambiguous, [(46.0, 30.0)]).status == "ambiguous"


@pytest.mark.parametrize(("text", "lat_range"), [
    # list neighbours: the Terny beside Torske (Donetsk oblast), not the one of Dnipropetrovsk oblast
    ("In the Lyman direction, the enemy attacked our positions near Torske and Terny.", (48.9, 49.2)),
    # a bearing without a distance: the Shevchenko just south of Pokrovsk
    ("Yesterday Russian forces claimed the capture of Shevchenko, south of Pokrovsk.", (48.15, 48.27)),
])
def test_namesakes_in_report_sentences(detector: Detector, text: str, lat_range: tuple[float, float]) -> None:
    found = detector.detect(Article("t", text, published=DAY)).events
    lats = [e.place.lat for e in found if e.surface in ("Terny", "Shevchenko")]
    assert lats and all(lat_range[0] <= lat <= lat_range[1] for lat in lats), lats


def test_a_denied_capture_is_a_claim(detector: Detector) -> None:
    text = "Kyiv denied that Russian troops had captured Kupiansk on Tuesday."
    found = detector.detect(Article("t", text, published=DAY)).events
    assert [(e.kind, e.side, e.claimed) for e in found] == [("captured", "RU", True)]


@pytest.mark.parametrize("sentence", [
    "Mariupol fell in May.", "In Lyman, a town that fell to Moscow forces at the end of May, it is quiet.",
    "Kupiansk is now under Russian control.", "Kupiansk is back in Ukrainian hands.",
    "The last defenders in Kupiansk had surrendered.", "Kupiansk, where street fighting was under way, is empty.",
    "Kupiansk came under Russian control.", "Kupiansk was returned to Ukrainian control.",
])
def test_the_prefilter_passes_every_construction_after_a_place(sentence: str) -> None:
    # A word missing from the pre-filter silently disables its construction ("fell" once was).
    assert grammar.TRIGGER_HINT.search(sentence.lower())


def test_a_bulleted_list_goes_with_the_line_that_opens_it(detector: Detector) -> None:
    text = ("Over the past week, units of the Zapad group of forces liberated the following settlements:\n"
            "- Kurylivka and Petropavlivka in the Kharkiv region;\n- Ivanivka in the Donetsk People's Republic;\n"
            "- Kupiansk in the Kharkiv region.\n")
    assert _events(detector, text) == {("Kupyansk", "captured", "RU")}


def test_an_agentless_liberation_is_the_outlet_side_s(detector: Detector) -> None:
    text = 'Units of the "East" group liberated the settlement of Kupiansk.'
    sides = {outlet: {e.side for e in detector.detect(Article("t", text, published=DAY, outlet=outlet)).events}
             for outlet in ("Russian MoD (style)", "Ukrinform (style)")}
    assert sides == {"Russian MoD (style)": {"RU"}, "Ukrinform (style)": {"UA"}}


@pytest.mark.parametrize(("outlet", "text", "expected"), [
    ("TASS (style)", "Units of the Vostok group of forces repelled attacks. The enemy had also occupied Kupiansk.",
     {("Kupyansk", "retaken", "UA")}),
    ("Ukrinform (style)", "Our defenders repelled 14 attacks. The enemy had also occupied Kupiansk.",
     {("Kupyansk", "captured", "RU")}),
])
def test_the_enemy_is_the_other_side_of_who_writes(detector: Detector, outlet: str, text: str,
                                                   expected: set) -> None:
    found = detector.detect(Article("t", text, published=DAY, outlet=outlet))
    assert {(e.place.name, e.kind, e.side) for e in found.events if e.place.geonameid == KUPIANSK} == expected


def test_an_undated_article_dates_its_events_from_the_day_it_names(detector: Detector) -> None:
    text = ("UNIAN | Tuesday, 20 August 2024, 17:35\n\n"
            "The Russian Defence Ministry claimed on Tuesday that its troops had taken control of Kupiansk.\n")
    found = detector.detect(Article("t", text, published=None))
    assert [(e.date, e.date_note) for e in found.events if e.place.geonameid == KUPIANSK] == [
        (dt.date(2024, 8, 20), "")]


# Every place's event, in sentences of the military-report and wire registers.
@pytest.mark.parametrize(("text", "expected"), [
    # done, not under way: "completed the mopping-up of X", "finished clearing X"
    ("Ukrainian units finished clearing the village of Boromlia.", {("Boromlia", "retaken", "UA")}),
    ("Units completed the clearing of the northern districts of Kupiansk.", {("Kupyansk", "contested", None)}),
    # where: "the main efforts are focused on capturing X" is fought for; "most of them near X"
    ("The main efforts are focused on capturing Rubizhne and Popasna.",
     {("Rubizhne", "contested", None), ("Popasna", "contested", None)}),
    ("Ukrainian forces repelled 48 attacks, most of them near Marinka.", {("Mar'yinka", "contested", None)}),
    ("Russian forces attacked the town from the east, near Torske.", {("Torske", "contested", None)}),
    # a place that only locates the one before it is not fought over
    ("Fighting continues in Robotyne near Orikhiv.", {("Robotyne", "contested", None)}),
    ("Russian troops attacked near Vovchansk, near Lyptsi and near Hlyboke.",
     {("Vovchansk", "contested", None), ("Lyptsi", "contested", None), ("Hlyboke", "contested", None)}),
    # held since a day: taken then
    ("Novoazovsk has been under rebel control since the end of August.", {("Novoazovs'k", "captured", "RU")}),
    ("Kupiansk has been in Ukrainian hands since September 2022.", {("Kupyansk", "retaken", "UA")}),
    ("Kupiansk has been under fire since Monday.", set()),
    # lists: "have all been retaken", a passive before a colon, a counted list after a dash
    ("The villages of Volokhiv Yar and Hrakove have all been retaken, officials said.",
     {("Volokhiv Yar", "retaken", "UA"), ("Hrakove", "retaken", "UA")}),
    ("The following settlements in the Donetsk People's Republic were also liberated by Russian troops: "
     "Novoyelizavetovka and Kurakhove.",
     {("Novoyelyzavetivka", "captured", "RU"), ("Kurakhove", "captured", "RU")}),
    ("Russian troops had taken five villages — Strilecha and Borysivka.",
     {("Strilecha", "captured", "RU"), ("Borysivka", "captured", "RU")}),
    ("Russia liberated Lebedevka and Martynovka, two large villages north of Sudzha, as well as Sverdlikovo.",
     {("Lebedevka", "retaken", "RU"), ("Martynovka", "retaken", "RU"), ("Sverdlikovo", "retaken", "RU")}),
    # an apposition whose number has a comma
    ("Shevchenkove, a town of about 7,000 people on the road to Kupiansk, was freed by Ukrainian troops on Friday.",
     {("Shevchenkove", "retaken", "UA")}),
    # parts: gains in part of a town, pushed back from its outskirts, into its centre; a bearing is no part
    ("Russian forces made gains in the eastern part of Krasnohorivka.", {("Krasnohorivka", "contested", None)}),
    ("Ukrainian units pushed the Russians back from the outskirts of Holubivka.", {("Holubivka", "contested", None)}),
    ("Ukrainian forces withdrew to new positions west of Berdychi.", {("Berdychi", "withdrawn", "RU")}),
    # toward a village in a report: fought at it; toward a city: an aim
    ("The enemy attacked 11 times, trying to advance near Torske and towards Yampil.",
     {("Torske", "contested", None), ("Yampil’", "contested", None)}),
    ("On the Huliaipole axis, the enemy attacked once towards Poltavka.", {("Poltavka", "contested", None)}),
    ("Russian troops tried to push towards Mykolaiv and Odesa.", set()),
    # one place, two sides in a sentence: the side an actor names beats a guess and a descriptive apposition
    ("Kyiv's forces recaptured several towns, including Sievierodonetsk, which were taken on July 22.",
     {("Siverskodonetsk", "retaken", "UA")}),
    ("Ukrainian forces have entered Kherson, the only regional capital captured by Russia.",
     {("Kherson", "retaken", "UA")}),
    # ... but a clause with a time of its own is an earlier change
    ("The Ukrainian army liberated Trostianets, which had been occupied since the beginning of March.",
     {("Trostyanets", "retaken", "UA"), ("Trostyanets", "captured", "RU")}),
    # a list closed by a region; a count list of villages "of the A and B communities" (the units are no places)
    ("Irpin, Bucha, Hostomel and the entire Kyiv region had been liberated from the invader.",
     {("Irpin", "retaken", "UA"), ("Bucha", "retaken", "UA"), ("Hostomel", "retaken", "UA")}),
    ("Russian forces had occupied four border villages of the Yunakivka and Khotin communities: Novenke and Basivka.",
     {("Novenke", "captured", "RU"), ("Basivka", "captured", "RU")}),
    # "had also been returned to Ukrainian control"; "was entirely under militia control"; "seized back control of"
    ("Ukrainian units retook Drobysheve, and the neighbouring villages of Novoselivka and Stavky had also been "
     "returned to Ukrainian control.",
     {("Drobysheve", "retaken", "UA"), ("Novoselivka", "retaken", "UA"), ("Stavky", "retaken", "UA")}),
    ("Zakharchenko said Ilovaisk was entirely under militia control.", {("Ilovays’k", "captured", "RU")}),
    ("Ukrainian forces seized back control of the port city of Mariupol.", {("Mariupol", "retaken", "UA")}),
    # "was claimed by"; "stepped up attacks on X"; "(both south of X)" inside a report list; "artillery duels"
    ("Zvanivka, south of Siversk, was claimed by the Russian MoD on Monday.", {("Zvanivka", "captured", "RU")}),
    ("Russian troops have stepped up attacks on Huliaipole.", {("Hulyaypole", "contested", None)}),
    ("Russian forces attacked near Leonidivka (south of Toretsk) and near Nelipivka.",
     {("Leonidivka", "contested", None), ("Nelipivka", "contested", None)}),
    # an advance "northwest of" a village is at it; "south of" a city, or "east of X near Y", only locates
    ("Ukrainian forces advanced northwest of Klishchiivka.", {("Klishchiivka", "contested", None)}),
    ("Ukrainian troops made an advance south of Kharkiv.", set()),
    ("Russian forces attacked east of Borova near Bohuslavka.", {("Bohuslavka", "contested", None)}),
    # the Ukrainian press's words for the Russian side
    ('The mayor said Irpin had been cleared "of the orcs".', {("Irpin", "retaken", "UA")}),
    # a place "between A and B" is no subject of the passive that follows
    ("Debaltseve, a railway junction between Horlivka and Luhansk, was taken by Ukrainian forces in July.",
     {("Debaltseve", "retaken", "UA")}),
    # a colon list a few words after the verb, with no counted noun; efforts concentrated near a list; flares
    ("Russian troops liberated two villages, adding to the four they had taken on Saturday: Borysivka and Pletenivka.",
     {("Borysivka", "captured", "RU"), ("Pletenivka", "captured", "RU")}),
    ("In the Pokrovsk direction, the enemy carried out 59 assaults, concentrating its efforts near Hrodivka and "
     "Novoekonomichne.", {("Hrodivka", "contested", None), ("Novoekonomichne", "contested", None)}),
    ("Heavy fighting flared around the village of Staromaiorske.", {("Staromaiorske", "contested", None)}),
    ("Hundreds of Ukrainian troops remained trapped in and around Ilovaisk.", {("Ilovays’k", "contested", None)}),
    ("Russian forces are attempting to advance in Toretsk itself.", {("Toretsk", "contested", None)}),
    ("We assess Kurakhove as fully under Russian control since January 6.", {("Kurakhove", "captured", "RU")}),
])
def test_done_attempted_located_and_held_since(detector: Detector, text: str, expected: set) -> None:
    found = detector.detect(Article("t", text, published=DAY))
    assert {(e.place.name, e.kind, e.side) for e in found.events} == expected
