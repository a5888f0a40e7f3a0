"""High-risk medication questions: the specific risk and a referral, never a dose or a source."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import content
from content.dose import find_dose
from tests import safety
from tests.safety import texts

HIGH_RISK = safety.messages("high_risk")
REFERRALS = {content.referral(), content.medication_referral()}

SPECIFIC_RISK = {
    "dose": {"no_doses"},
    "more_than_prescribed": {"no_doses"},
    "mixing_alcohol": {"opioid_mixing"},
    "mixing_benzo": {"opioid_mixing"},
    "mixing_sleeping_pill": {"opioid_mixing"},
    "mixing_ssri": {"opioid_ssri_interaction", "medication_interactions"},
    "stopping_suddenly": {"opioid_stopping"},
    "no_prescription": {"not_your_prescription"},
    "from_someone_else": {"not_your_prescription"},
    "street_pills": {"not_your_prescription"},
    "minor_parent_pills": {"not_your_prescription"},
}
SAMHSA_KINDS = {"mixing_alcohol", "no_prescription", "street_pills", "from_someone_else"}


@pytest.mark.parametrize("item", HIGH_RISK, ids=[m["text"][:40] for m in HIGH_RISK])
def test_high_risk_question_is_refused_with_the_specific_risk(servers, item):
    replies = texts(servers.send(item["text"]))
    joined = " ".join(replies)
    assert find_dose(joined) is None
    assert safety.SOURCE_PATTERN.search(joined) is None
    assert replies[-1] in REFERRALS or safety.has_crisis_resources(replies[0])
    named = set(content.warnings_in(joined))  # all in the one "Safety note" bubble
    assert named & SPECIFIC_RISK[item["kind"]], (item["kind"], replies)
    if item["kind"] in SAMHSA_KINDS:
        assert content.resources()["resources"]["samhsa"]["how"] in joined


MEDICATIONS = ["oxycodone", "oxy", "percocet", "percs", "tramadol", "fentanyl", "morphine",
               "vicodin", "hydrocodone", "codeine", "xanax", "zoloft", "sertraline", "methadone"]
TEMPLATES = [
    "how many mg of {med} should i take",
    "is {n} mg of {med} too much",
    "can i take {n} {med} at once",
    "whats the max dose of {med} for ptsd",
    "how much {med} do i need for flashbacks",
    "{med} {n}mg ok for nightmares?",
    "how many {med} pills can i take a day",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(TEMPLATES), med=st.sampled_from(MEDICATIONS),
       n=st.integers(min_value=1, max_value=500))
def test_generated_dose_questions_never_get_a_dose(servers, template, med, n):
    replies = texts(servers.send(template.format(med=med, n=n)))
    assert replies
    assert [r for r in replies if find_dose(r)] == []
