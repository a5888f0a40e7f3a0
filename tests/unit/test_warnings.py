"""Warnings are picked from the topic and from the substances the patient named."""
import re

import pytest
import textstat

import content
from content.dose import find_dose
from actions.warnings import entity_classes, warnings_for


def test_topic_warnings_alone_when_nothing_is_named():
    assert warnings_for(["treatment_risks"], set()) == ["treatment_risks"]


def test_opioid_with_alcohol_gets_the_mixing_warning_first():
    classes = entity_classes([{"entity": "opioid"}, {"entity": "alcohol"}])
    chosen = warnings_for(["general_information"], classes)
    assert chosen[0] == "opioid_mixing"
    assert "substance_use" in chosen and "general_information" in chosen


def test_opioid_with_benzodiazepine_or_sleeping_pill_gets_the_mixing_warning():
    for other in ("benzodiazepine", "sleeping_pill"):
        assert "opioid_mixing" in warnings_for([], {"opioid", other})


def test_tramadol_with_an_ssri_gets_the_interaction_warning():
    assert "opioid_ssri_interaction" in warnings_for([], {"opioid", "ssri"})


def test_an_ssri_alone_gets_no_opioid_warning():
    assert warnings_for(["medication_interactions"], {"ssri"}) == ["medication_interactions"]


def test_no_warning_is_listed_twice():
    chosen = warnings_for(["opioid_addiction", "opioid_mixing"], {"opioid", "alcohol"})
    assert len(chosen) == len(set(chosen))


def test_every_warning_id_used_exists():
    for classes in ({"opioid", "alcohol", "ssri"}, {"cannabis"}):
        for warning_id in warnings_for([], classes):
            assert content.warning_text(warning_id)


def test_substance_use_warning_takes_samhsa_number_from_resources():
    number = content.resources()["resources"]["samhsa"]["how"]
    assert number in content.warning_text("substance_use")


def test_the_same_fact_is_not_given_twice():
    # the SSRI topic's interaction warning and the one for tramadol with an SSRI say the same
    chosen = warnings_for(["medication_interactions"], {"opioid", "ssri"})
    assert "opioid_ssri_interaction" in chosen and "medication_interactions" not in chosen


def test_safety_note_joins_the_warnings_in_order():
    note = content.safety_note(["opioid_mixing", "substance_use"])
    assert note == "Safety note: {} {}".format(
        content.warning_text("opioid_mixing"), content.warning_text("substance_use"))
    assert content.warnings_in(note) == ["opioid_mixing", "substance_use"]
    with pytest.raises(ValueError):
        content.safety_note([])


SOURCE = re.compile(r"^(article P[1-9]|safety-facts [1-6](?: and [1-6])*)$")


@pytest.mark.parametrize("warning_id", content.warning_ids())
def test_every_warning_names_its_source_and_gives_no_dose(warning_id):
    assert SOURCE.match(content.warning_source(warning_id)), content.warning_source(warning_id)
    assert find_dose(content.warning_text(warning_id)) is None


# Plain words (issue 13): short, and about school grade 6 to 7 (Flesch-Kincaid, textstat).
MAX_WARNING_WORDS = 30
MAX_WARNING_GRADE = 8.0
MAX_MEAN_GRADE = 7.0


def _plain_texts():
    yield "referral", content.referral()
    yield "medication_referral", content.medication_referral()
    yield from ((w, content.warning_text(w)) for w in content.warning_ids())


@pytest.mark.parametrize("name, text", list(_plain_texts()))
def test_every_warning_and_referral_is_short_and_plain(name, text):
    assert textstat.lexicon_count(text) <= MAX_WARNING_WORDS
    assert textstat.flesch_kincaid_grade(text) <= MAX_WARNING_GRADE


def test_the_warnings_read_at_grade_7_on_average():
    grades = [textstat.flesch_kincaid_grade(text) for _, text in _plain_texts()]
    assert sum(grades) / len(grades) <= MAX_MEAN_GRADE
