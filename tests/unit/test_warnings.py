"""Warnings are picked from the topic and from the substances the patient named."""
import content
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
