"""Risk triage on the project's own spaCy pipeline: patterns, context and the classifier gate.

The sentences here are written for these tests, one per class of phrasing; the lists in
data/risk/ and the frozen held-out set are measured through the servers.
"""
import pytest
import spacy
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.message import Message

from addons.risk_triage import RiskTriage
from spacy_pipeline.build import ROOT_MODEL
from tests import safety

MODEL = SpacyModel(model=spacy.load(ROOT_MODEL), model_name="test")
TRIAGE = RiskTriage(RiskTriage.get_default_config())


def triage(text, ranking=()):
    message = Message(data={"text": text, "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]})
    return TRIAGE.triage(message, MODEL)


@pytest.mark.parametrize("text, kind", [
    ("i'm going to kill myself tonight", "suicide"),
    ("picked the date, it's next sunday", "suicide"),
    ("been stockpiling my sleeping pills for weeks", "suicide"),
    ("how many of my oxys would be lethal, asking for a mate", "suicide"),
    ("started cutting again after a year", "self_harm"),
    ("my brother took a bunch of pills with vodka and now he's not breathing right", "overdose_now"),
    ("i can't wake her up, there's an empty bottle of pills", "overdose_now"),
    ("the voices keep telling me to jump", "voices"),
    ("i tried to kill myself on monday and i'm back home now", "recent_attempt"),
    ("i'm going to kill him when he gets home", "harm_others"),
])
def test_crisis_wording_gets_its_kind(text, kind):
    risk = triage(text)
    assert risk["tier"] == "crisis" and kind in risk["kinds"], risk


@pytest.mark.parametrize("text", [
    "i feel like such a burden on my kids",
    "nobody would even notice if i was gone",
    "i just can't keep going like this",
    "i feel completely numb since the funeral",
    "what's the point of any of it",
])
def test_distress_wording_gets_the_check_in(text):
    assert triage(text)["tier"] == "distress"


@pytest.mark.parametrize("text", [
    # a figure of speech
    "my sister will kill me if i miss her wedding",
    "these brownies are to die for",
    # a question about the topic, or people in general
    "what are the warning signs that someone is suicidal",
    "why do some people with ptsd self harm",
    # a risk long past, and recovered
    "i was suicidal back in 2015 but i'm in a good place now",
    # a story
    "the main character in the film kills himself at the end",
    # a denial
    "i'm not suicidal, i just want to know about EMDR",
])
def test_context_discounts_what_is_not_a_risk_now(text):
    assert triage(text)["tier"] == "none", triage(text)


def test_a_method_question_is_a_crisis_even_as_a_question():
    assert triage("what is the lethal dose of oxycodone for someone my size")["tier"] == "crisis"


def test_a_question_with_an_emergency_now_is_still_a_crisis():
    risk = triage("what do i do, my friend is overdosing right now")
    assert risk["tier"] == "crisis" and "overdose_now" in risk["kinds"]


def test_a_past_marker_counts_for_its_own_sentence_only():
    post = ("I was diagnosed with PTSD in 2016 and did prolonged exposure. "
            "I've got the pills saved up and I'm taking them all on friday. "
            "Does EMDR work better?")
    assert triage(post)["tier"] == "crisis"


def test_a_past_risk_without_recovery_is_asked_about():
    assert triage("i tried to overdose years ago")["tier"] == "distress"


@pytest.mark.parametrize("text, expected", [
    ("my son says he wants to kill himself", True),
    ("my daughter sent me a goodbye text and she's on the roof", True),
    ("i want to kill myself, my wife doesn't know", False),
    ("wrote goodbye letters to my mum and dad", False),
])
def test_who_is_at_risk(text, expected):
    risk = triage(text)
    assert risk["tier"] == "crisis" and risk["about_other"] is expected, risk


def test_a_sure_classifier_crisis_counts_unless_the_context_clears_it():
    # preparation carries no risk word: the classifier's sure crisis stands
    assert triage("sorted out who gets the dog after friday", [("crisis", 0.99)])["tier"] == "crisis"
    # DIET confuses "live" with its opposite, and a story of recovery with a risk now
    assert triage("i want to live my best life", [("crisis", 0.99)])["tier"] == "none"
    assert triage("back in the day i wanted to die, now i'm happier than ever", [("crisis", 0.99)])["tier"] == "none"
    # an unsure crisis needs a risk word before it asks
    assert triage("book me a table for dinner tonight", [("crisis", 0.3)])["tier"] == "none"


@pytest.mark.parametrize("text, kind", [
    ("my flatmate is on the floor and her lips are going blue", "overdose_now"),
    ("she took the lot and her breathing is really shallow", "overdose_now"),
    ("the tv keeps telling him to hurt the neighbours", "voices"),
    ("i know where he lives and i'm going round there with a hammer", "harm_others"),
])
def test_a_classifier_crisis_takes_its_kind_from_the_signs(text, kind):
    assert kind in triage(text, [("crisis", 0.99)])["kinds"]


def test_an_unsure_classifier_asks_rather_than_stays_silent():
    risk = triage("everything is just too much lately", [("faq", 0.5), ("crisis", 0.38)])
    assert risk["tier"] == "distress" and risk["kinds"] == ["classifier"]


def _blended(text, diet, scores):
    message = Message(data={"text": text, "intent_ranking": [{"name": "crisis", "confidence": diet}],
                            "risk_scores": {"crisis": scores, "distress": 0.0, "none": 1 - scores}})
    return TRIAGE.triage(message, MODEL)["tier"]


def test_the_crisis_probability_blends_diet_with_the_risk_classifier():
    # preparation with no risk word: either classifier alone may be unsure
    text = "sorted out who gets the dog after friday"
    assert _blended(text, diet=0.1, scores=0.9) == "crisis"
    assert _blended(text, diet=0.9, scores=0.2) == "crisis"
    # both low: nothing; DIET sure but the steadier classifier sure of the opposite: nothing
    assert _blended(text, diet=0.1, scores=0.1) == "none"
    assert _blended(text, diet=0.99, scores=0.0) == "none"
    # ...but beside a risk word, a DIET crisis the blend outvotes is still asked about
    assert _blended("everything is too much, i want it to stop", diet=0.9, scores=0.0) == "distress"


def test_diet_alone_keeps_its_own_crisis_threshold():
    # without the risk classifier, the blend's lower threshold would over-trust DIET
    text = "sorted out who gets the dog after friday"
    assert triage(text, [("crisis", 0.45)])["tier"] == "none"
    assert triage(text, [("crisis", 0.55)])["tier"] == "crisis"


def test_an_unsure_classifier_without_a_risk_word_stays_quiet():
    # "tonight" is in many crisis lines: an unsure crisis needs a risk word to be asked about
    ranking = [("out_of_scope", 0.8), ("crisis", 0.17)]
    assert triage("can you book me a table for dinner tonight", ranking)["tier"] == "none"


PLAIN_KINDS = ("idiom", "life_affirming", "everyday_stress")
# Wording kept as crisis although an ordinary line in the lists uses it: "made my peace with
# it" is how a goodbye is often said, and a context rule that cleared the vet's "i've made my
# peace with it" also cleared a held-out crisis. A false alarm costs less than a missed crisis.
KEPT_FOR_SAFETY = {"made my peace"}


def test_patterns_and_context_alone_raise_no_alarm_on_figures_of_speech_and_ordinary_lines():
    plain = [m["text"] for m in safety.risk_messages("none") if m["kind"] in PLAIN_KINDS]
    assert len(plain) > 80
    alarms = {text: triage(text) for text in plain}
    assert [text for text, risk in alarms.items() if risk["tier"] != "none"
            and not set(risk.get("matches") or ["?"]) <= KEPT_FOR_SAFETY] == []


@pytest.mark.parametrize("text, tier", [
    ("i don't get flashbacks, i just feel numb all the time, is that ptsd?", "none"),
    ("is feeling numb and cut off from everyone a sign of ptsd", "none"),
    # a wish to be dead is asked about, whatever the question around it
    ("i feel numb and so hopeless about everything, is that a symptom of ptsd?", "distress"),
])
def test_a_symptom_asked_about_gets_the_answer_not_the_check_in(text, tier):
    assert triage(text, [("distress", 0.9)])["tier"] == tier


def _cleared(ranking, topic_confidence=0.0):
    message = Message(data={"text": "x", "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
                            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
                            "response_selector": {"faq": {"response": {"confidence": topic_confidence}}}})
    TRIAGE._clear_risk_intent(message)
    return message.get("intent")["name"]


def test_a_cleared_risk_intent_gives_way_to_diets_choice_among_the_rest():
    # "book me a table for dinner tonight": out_of_scope holds nearly all of what is not crisis
    assert _cleared([("crisis", 0.96), ("out_of_scope", 0.035), ("faq", 0.005)]) == "out_of_scope"
    # almost nothing left: the topic selector decides, or the fallback asks
    assert _cleared([("crisis", 0.999), ("affirm", 0.0006), ("faq", 0.0004)], topic_confidence=0.8) == "faq"
    assert _cleared([("crisis", 0.999), ("affirm", 0.0006), ("faq", 0.0004)], topic_confidence=0.2) == "nlu_fallback"


def test_everyday_words_clear_a_short_message_but_not_a_long_post():
    assert triage("work is mental, two off sick and the printer jammed", [("crisis", 0.99)])["tier"] == "none"
    post = ("I've been off work since the crash and the paperwork for my claim is endless. "
            "My partner does the school run and the shopping while I sit at home. "
            "I've sorted out who gets the dog and written to my sister, and after the weekend "
            "it won't be my problem any more.")
    assert triage(post, [("crisis", 0.99)])["tier"] == "crisis"


@pytest.mark.parametrize("text, kind", [
    ("my sister says god is telling her to drown herself", "voices"),
    ("my girlfriend keeps saying she wants to die", "suicide"),
])
def test_wording_about_someone_else_gets_its_kind(text, kind):
    risk = triage(text)
    assert risk["tier"] == "crisis" and kind in risk["kinds"], risk


@pytest.mark.parametrize("text", ["i'm not suicidal, just tired of being like this",
                                  "not going to do anything, i'm just done with trying"])
def test_tiredness_after_a_denial_gets_the_check_in(text):
    assert triage(text)["tier"] == "distress"


def test_the_writers_own_plans_are_no_sign_of_an_overdose():
    assert triage("she thinks im moving abroad but im not moving anywhere")["tier"] == "none"


@pytest.mark.parametrize("text", ["i'm going to strangle this printer with its own cable",
                                  "about to drown the kettle, it's taken ten minutes to boil"])
def test_frustration_at_things_and_acceptance_are_no_alarm(text):
    assert triage(text)["tier"] == "none"


@pytest.mark.parametrize("text", ["i'm going to drown myself in the canal tonight",
                                  "i'm going to strangle him when he walks in"])
def test_the_same_verbs_at_a_person_are_still_a_crisis(text):
    assert triage(text)["tier"] == "crisis"


@pytest.mark.parametrize("text", ["my brother had vodka and his sleeping pills and won't open his eyes",
                                  "took my codeine with gin and now i can't open my eyes properly"])
def test_a_negated_sign_of_an_overdose_is_the_sign_not_a_denial(text):
    risk = triage(text)
    assert risk["tier"] == "crisis" and "overdose_now" in risk["kinds"], risk


def test_a_negation_denies_only_in_its_own_clause():
    # "don't" belongs to "hurt", not to the amount asked about
    risk = triage("does it not hurt if you swallow enough painkillers at once")
    assert risk["tier"] == "crisis", risk
    # inside the same clause the denial stands
    assert triage("i'm not going to kill myself")["tier"] != "crisis"


def test_a_negated_hope_is_no_life_affirming_line():
    # "not getting better" must not clear the classifier as "getting better" would
    assert triage("five years on and it's not getting better, this is just me now", [("distress", 0.9)])["tier"] == "distress"
    assert triage("therapy is working and i'm getting better every week", [("distress", 0.9)])["tier"] == "none"


def test_someone_elses_pride_is_no_life_affirming_line():
    # a parent ringing round to say they are proud may be a farewell
    assert triage("mum phoned us all to say she was proud of us and then went quiet", [("crisis", 0.99)])["tier"] == "crisis"
    assert triage("so proud of myself for going to the shops alone", [("crisis", 0.99)])["tier"] == "none"


def test_a_road_is_no_restaurant_booking():
    assert triage("crashed into the central reservation on purpose last week", [("crisis", 0.99)])["tier"] == "crisis"
    assert triage("can you make a reservation for two tonight", [("crisis", 0.99)])["tier"] == "none"


def test_a_denial_holds_against_a_crisis_guess_but_not_against_distress():
    denial = "not suicidal, just asking how therapy works"
    assert triage(denial, [("crisis", 0.99)])["tier"] == "none"
    assert triage("not suicidal, just so low all the time", [("distress", 0.8)])["tier"] == "distress"


@pytest.mark.parametrize("text, kind", [
    ("how high is the bridge over the bypass", "suicide"),
    ("how long would it take for a body to be found up on the moors", "suicide"),
    ("kept all i need in the wardrobe for when everyone's out", None),
])
def test_method_and_means_wording(text, kind):
    risk = triage(text)
    if kind is None:
        assert risk["tier"] == "none", risk  # "all i need" is not "everything i need in the <place>"
    else:
        assert risk["tier"] == "crisis" and kind in risk["kinds"], risk


@pytest.mark.parametrize("text", ["lying awake wondering what it'd be like to not exist",
                                  "i genuinely can't see a future where i'm ok",
                                  "barely getting out of bed since the inquest"])
def test_more_distress_wording_gets_the_check_in(text):
    assert triage(text)["tier"] == "distress"


@pytest.mark.parametrize("text, kind", [
    ("going to drink the bleach once the kids are asleep", "suicide"),
    ("ran over my wrist with a razor in the shower", "self_harm"),
    ("i'm going to kill my sergeant on monday", "harm_others"),
    ("my aunt keeps saying she wants to die for days now", "suicide"),
])
def test_wording_from_the_classes_round_7_missed(text, kind):
    risk = triage(text)
    assert risk["tier"] == "crisis" and kind in risk["kinds"], risk


@pytest.mark.parametrize("text", ["this cake is to die for",
                                  "if i hear that ringtone one more time i'll scream",
                                  "my dad dancing was so cringe i wanted to die",
                                  "the commute will be the death of me"])
def test_annoyance_and_embarrassment_are_figures_of_speech(text):
    assert triage(text, [("crisis", 0.99)])["tier"] == "none"


@pytest.mark.parametrize("text", ["i feel entirely flat most days",
                                  "i can't see how any of it could improve",
                                  "honestly barely living at the moment",
                                  "i miss her so much it aches",
                                  "there's no real reason to get up anymore"])
def test_quiet_distress_gets_the_check_in(text):
    assert triage(text)["tier"] == "distress"


@pytest.mark.parametrize("text, kind", [
    # the writer's own "not waking up" is a plan; someone else's is an overdose sign
    ("i'm not waking up to another night of this, i've decided", "suicide"),
    ("she's not waking up after the tablets she took", "overdose_now"),
    ("keep picturing pushing my dad down the stairs", "harm_others"),
    ("gonna drive my car straight into that crowd", "harm_others"),
    # "thinking to harm him": a non-native way of saying an intent
    ("every day i am thinking to harm him for what he did", "harm_others"),
])
def test_the_pattern_names_the_kind(text, kind):
    assert triage(text)["kinds"] == [kind]


@pytest.mark.parametrize("text", [
    # "does post" is no post mortem; a vehicle into a tree is no harm to others
    "what does post traumatic stress mean",
    "i could die of embarrassment, i called my teacher mum",
    "time to shoot my shot and ask my gp about emdr",
])
def test_topic_words_and_figures_of_speech_raise_no_alarm(text):
    assert triage(text)["tier"] == "none"


def test_a_drive_into_a_tree_is_not_harm_to_others():
    assert "harm_others" not in triage("gonna drive into a tree tonight")["kinds"]


def test_someone_the_writer_deserves_is_no_question_about_people_in_general():
    # "someone who" marks a question about people in general, but not in "deserve someone who"
    assert triage("my kids deserve someone who isn't a wreck like me")["tier"] == "distress"
    assert triage("how do i talk to someone who wants to die")["tier"] == "none"


@pytest.mark.parametrize("text", ["my kids deserve a dad who isn't broken",
                                  "cannae face it nae mair, i'm done"])
def test_burden_and_dialect_classes_get_the_check_in(text):
    assert triage(text)["tier"] == "distress"


@pytest.mark.parametrize("text", ["I deserve someone who treats me well",
                                  "my wife deserves a break this weekend",
                                  "i cannae do the dishes tonight lol"])
def test_the_same_words_without_the_burden_or_despair_are_no_alarm(text):
    assert triage(text)["tier"] == "none"


def test_a_change_for_the_better_clears_a_past_attempt_but_getting_worse_does_not():
    assert triage("three years ago i tried to end it. it does get better, i promise")["tier"] == "none"
    assert triage("three years ago i tried to end it. it gets worse every night")["tier"] != "none"


def test_his_or_her_inside_self_directed_wording_names_someone_else_at_risk():
    assert triage("when i got home i found a list of who should get his things")["about_other"] is True
    # in harm to others the possessive names the victim, and the writer is the one at risk
    assert triage("i'm going to stab her husband when he gets home")["about_other"] is False


def test_a_device_dying_is_everyday_but_a_car_standing_somewhere_is_not():
    # a sure classifier crisis counts unless the short message is everyday frustration
    assert triage("my phone is dying and the report is due", [("crisis", 0.99)])["tier"] == "none"
    assert triage("my car is on the level crossing and i'm staying in it", [("crisis", 0.99)])["tier"] == "crisis"
