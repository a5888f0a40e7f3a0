"""The plain-words and opioid-framing checks of `make check` (issue 13), each shown
failing on a small broken project in a temp dir, and passing on the real content."""
import shutil
from pathlib import Path

import pytest
import textstat

from tools import datacheck

ROOT = Path(__file__).resolve().parents[2]
GUIDELINE = "No major guideline recommends opioids for PTSD."
EASY = "Your doctor can tell you more."
# Flesch-Kincaid grade 7.8: under the limit for one answer, over the limit for the mean.
FAIRLY_HARD = "Your doctor can explain the treatment options that are available. Ask them."


@pytest.fixture
def project(tmp_path):
    """A project with no topics yet, and the real list of substance names."""
    (tmp_path / "content/faq").mkdir(parents=True)
    (tmp_path / "spacy_pipeline").mkdir()
    shutil.copy(ROOT / "spacy_pipeline/substances.yml", tmp_path / "spacy_pipeline/substances.yml")
    return tmp_path


def topic(root: Path, name: str, answer: str, warnings=("treatment_risks",)) -> Path:
    """A topic file whose `warnings` is on line 5 and `answer` on line 6."""
    path = root / f"content/faq/{name}.yml"
    path.write_text(
        f"topic: {name}\n"
        f"title: A question about {name}?\n"
        "citation: [P3, safety-facts 1]\n"
        "risk: treatment\n"
        f"warnings: [{', '.join(warnings)}]\n"
        "answer: >-\n"
        f"  {answer}\n"
        "examples:\n  - an example\nheldout:\n  - a held-out phrasing\n",
        encoding="utf-8")
    return path


def shown(problems, root):
    return [p.show(root) for p in problems]


# (a) words

def test_an_answer_over_the_word_limit_is_named(project):
    topic(project, "long", " ".join(["Talk to your doctor."] * 15) + " Thanks.")  # 61 words
    topic(project, "just_right", " ".join(["Talk to your doctor."] * 15))  # 60 words
    found = shown(datacheck.answer_length(project), project)
    assert found == ["content/faq/long.yml:6: `answer` has 61 words; at most 60"]


def test_an_unfilled_answer_is_left_to_the_placeholder_check(project):
    topic(project, "new_topic", "TODO " + "write the answer here " * 20)
    assert shown(datacheck.answer_length(project), project) == []
    assert shown(datacheck.answer_grade(project), project) == []


# (b) grade: each answer, and the mean

def test_an_answer_over_the_grade_limit_is_named(project):
    topic(project, "hard", "Comprehensive pharmacological interventions necessitate "
                           "individualized consideration of contraindications.")
    topic(project, "easy", EASY)
    found = [f for f in shown(datacheck.answer_grade(project), project) if "mean" not in f]
    assert found == ["content/faq/hard.yml:6: `answer` reads at grade 37.7 (Flesch-Kincaid); "
                     "at most 8: shorter sentences, everyday words"]


def test_a_mean_grade_over_the_limit_is_named_at_the_hardest_answer(project):
    assert datacheck.MAX_MEAN_GRADE < datacheck.grade(FAIRLY_HARD) <= datacheck.MAX_ANSWER_GRADE
    for name in ("first", "second", "third"):
        topic(project, name, FAIRLY_HARD)
    mean = datacheck.grade(FAIRLY_HARD)
    found = shown(datacheck.answer_grade(project), project)
    assert found == [f"content/faq/first.yml:6: the mean grade of the 3 answers is {mean:.2f}; "
                     f"at most 7. The hardest is this one, at grade {datacheck.grade(FAIRLY_HARD)}"]


def test_one_fairly_hard_answer_among_easy_ones_passes(project):
    topic(project, "fairly_hard", FAIRLY_HARD)
    for name in ("easy_1", "easy_2"):
        topic(project, name, EASY)
    assert shown(datacheck.answer_grade(project), project) == []


def test_the_grade_is_textstat_flesch_kincaid():
    text = "Opioids are strong painkillers. They are mainly known for easing pain."
    assert datacheck.grade(text) == round(textstat.flesch_kincaid_grade(text), 1)
    assert datacheck.words(text) == 11


# (c) opioids: the guideline line and the warning

@pytest.mark.parametrize("name", ["opioids", "an opiate", "Morphine", "oxycodone", "fentanyl",
                                  "tramadol", "codeine", "heroin", "Percocet", "OxyContin"])
def test_an_answer_naming_an_opioid_without_the_guideline_line_is_named(project, name):
    topic(project, "named", f"Some people ask about {name}. Talk to your doctor.",
          warnings=["opioid_addiction"])
    found = shown(datacheck.opioid_framing(project), project)
    assert found == [f"content/faq/named.yml:6: `answer` names {name.split()[-1]!r} but not the "
                     f"guideline position: add a sentence like {GUIDELINE!r}"]


def test_an_answer_naming_opioids_without_the_opioid_warning_is_named(project):
    topic(project, "no_warning", f"{GUIDELINE} Opioids can be addictive.",
          warnings=["treatment_risks"])
    found = shown(datacheck.opioid_framing(project), project)
    assert found == ["content/faq/no_warning.yml:5: `answer` names 'opioids': "
                     "`warnings` must include opioid_addiction"]


def test_an_answer_with_neither_gets_both_problems(project):
    topic(project, "neither", "Where opioids are used, therapy may help.")
    found = shown(datacheck.opioid_framing(project), project)
    assert [f.split(":")[1] for f in found] == ["6", "5"]


def test_the_guideline_line_must_say_it_in_one_sentence(project):
    topic(project, "split", "No. Some guidelines recommend opioids for PTSD.",
          warnings=["opioid_addiction"])
    topic(project, "reversed", "Guidelines recommend opioids for PTSD. There is no doubt.",
          warnings=["opioid_addiction"])
    found = shown(datacheck.opioid_framing(project), project)
    assert len(found) == 2 and all("guideline position" in f for f in found)


def test_a_framed_answer_and_one_without_opioids_pass(project):
    topic(project, "framed", f"{GUIDELINE} Some research suggests opioids may help.",
          warnings=["opioid_addiction", "opioid_mixing"])
    topic(project, "clinical", "No clinical guideline recommends opioids as a treatment for PTSD.",
          warnings=["opioid_addiction"])
    topic(project, "no_opioids", "Painkillers and other perks are not named here. "
                                 "Guidelines put talking therapy first.")
    assert shown(datacheck.opioid_framing(project), project) == []


# The warning and crisis texts: failing where OTHER_TEXT_LIMITS enforces, noted elsewhere.

def test_warning_and_crisis_texts_over_the_limits_are_named_or_noted(project):
    long_text = " ".join(["Talk to your doctor."] * 16)  # 64 words
    hard_text = ("Comprehensive pharmacological interventions necessitate individualized "
                 "consideration of contraindications.")
    (project / "content/warnings.yml").write_text(
        "referral: Talk to a doctor.\n"
        "warnings:\n"
        "  wordy:\n"
        "    source: safety-facts 3\n"
        f"    text: {long_text}\n"
        "  hard:\n"
        "    source: safety-facts 3\n"
        f"    text: {hard_text}\n", encoding="utf-8")
    (project / "content/crisis.yml").write_text(
        f"signs: {hard_text}\n"
        f"wordy: {long_text}\n"
        "replies:\n"
        "- {title: Comprehensive contraindications, payload: Comprehensive contraindications}\n",
        encoding="utf-8")
    failed = shown(datacheck.other_texts(project), project)
    noted = shown(datacheck.other_text_notes(project), project)
    assert failed[0] == "content/warnings.yml:5: has 64 words; at most 60, as for answers"
    assert failed[1].startswith("content/warnings.yml:8: reads at grade ")
    assert failed[2] == "content/crisis.yml:2: has 64 words; at most 60, as for answers"
    assert len(failed) == 3
    assert len(noted) == 1 and noted[0].startswith("content/crisis.yml:1: reads at grade ")


# The real content

@pytest.mark.parametrize("check", [datacheck.answer_length, datacheck.answer_grade,
                                   datacheck.opioid_framing, datacheck.other_texts],
                         ids=lambda check: check.__name__)
def test_the_real_content_passes(check):
    assert shown(check(ROOT), ROOT) == []


def test_every_real_answer_that_names_an_opioid_is_framed():
    named = [doc.path.stem for doc, answer in datacheck._answers(ROOT)
             if datacheck.opioid_named(ROOT, answer)]
    assert {"opioids_for_ptsd", "combined_approach", "treatment_monitoring", "opioid_crisis",
            "how_opioids_act"} <= set(named)
