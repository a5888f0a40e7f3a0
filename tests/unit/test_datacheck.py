"""Each `make check` check, shown failing on a deliberately broken copy of the project."""
import shutil
from pathlib import Path

import pytest
import yaml

from tools import datacheck, faqgen

ROOT = Path(__file__).resolve().parents[2]
COPIED = ["config.yml", "addons", "content", "data", "domain.yml", "tests/heldout", "tests/e2e",
          "tests/safety_lists", "spacy_pipeline/substances.yml"]


@pytest.fixture
def project(tmp_path):
    for name in COPIED:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        else:
            shutil.copy(source, target)
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace `old` in `path`; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def shown(problems, root):
    return [p.show(root) for p in problems]


def test_the_real_project_passes_every_check_but_rasa(project):
    assert shown(datacheck.run(project, with_rasa=False), project) == []


def test_an_answer_without_citation_or_risk_is_named(project):
    path = project / "content/faq/what_is_cbt.yml"
    citation = edit(path, "citation: [P3, safety-facts 1]", "citation: []")
    risk = edit(path, "risk: treatment", "risk: unknown")
    found = shown(datacheck.topic_fields(project), project)
    assert any(f.startswith(f"content/faq/what_is_cbt.yml:{citation}: `citation`") for f in found)
    assert any(f.startswith(f"content/faq/what_is_cbt.yml:{risk}: `risk`") for f in found)


def test_a_citation_outside_the_two_sources_is_named(project):
    path = project / "content/faq/what_is_cbt.yml"
    line = edit(path, "citation: [P3, safety-facts 1]", "citation: [P3, Wikipedia]")
    found = shown(datacheck.topic_fields(project), project)
    assert any(f.startswith(f"content/faq/what_is_cbt.yml:{line}:") and "Wikipedia" in f for f in found)


def test_an_intent_with_too_few_examples_is_named(project):
    path = project / "data/nlu/medication_safety.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- intent: stop_suddenly")
    block_end = text.index("- intent:", start + 1)
    examples = [line for line in text[start:block_end].splitlines()
                if line.strip().startswith("- ") and "intent" not in line]
    kept = "\n".join(text[start:block_end].splitlines()[:2] + examples[:3]) + "\n\n"
    path.write_text(text[:start] + kept + text[block_end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    found = shown(datacheck.example_counts(project), project)
    assert f"data/nlu/medication_safety.yml:{line}: intent 'stop_suddenly' has 3 examples; " \
           f"at least {datacheck.MIN_EXAMPLES} needed" in found


def test_the_same_example_in_two_intents_is_named(project):
    path = project / "data/nlu/conversation.yml"
    line = edit(path, "    - hello\n", "    - What is CBT?\n")
    found = shown(datacheck.duplicate_examples(project), project)
    assert f"data/nlu/conversation.yml:{line}: 'What is CBT?' is an example of greet and also " \
           "of faq/what_is_cbt (content/faq/what_is_cbt.yml:12)" in found


def test_a_held_out_phrase_in_training_is_named(project):
    heldout = project / "tests/heldout/conversation.yml"
    line = edit(heldout, "    - hello hello\n", "    - hello\n")
    found = shown(datacheck.heldout_leaks(project), project)
    assert any(f.startswith(f"tests/heldout/conversation.yml:{line}: 'hello' is held out") for f in found)


def test_a_held_out_risk_message_in_training_is_named(project):
    heldout = yaml.safe_load((project / "tests/heldout/risk.yml").read_text(encoding="utf-8"))
    leaked = heldout["messages"][0]["text"]
    path = project / "data/nlu/crisis.yml"
    text = path.read_text(encoding="utf-8")
    first_example = text.index("    - ", text.index("examples: |"))
    path.write_text(text[:first_example] + f"    - {leaked}\n" + text[first_example:], encoding="utf-8")
    found = shown(datacheck.heldout_leaks(project), project)
    assert any(f.startswith("tests/heldout/risk.yml:") and leaked[:20] in f for f in found)


def test_a_risk_phrase_only_a_held_out_message_uses_is_named(project):
    heldout = yaml.safe_load((project / "tests/heldout/risk_round4.yml").read_text(encoding="utf-8"))
    words = " ".join(heldout["messages"][0]["text"].lower().split()[:4])
    patterns = project / "addons/distress_patterns.yml"
    line = edit(patterns, "phrases:\n", f"phrases:\n  lifted:\n  - \"{words}\"\n") + 2
    found = shown(datacheck.heldout_only_patterns(project), project)
    assert any(f.startswith(f"addons/distress_patterns.yml:{line}: phrase {words!r} is in a held-out") for f in found)
    # a development message that shows the phrase's class makes it a class's phrase
    distress = project / "data/risk/distress.yml"
    distress.write_text(distress.read_text(encoding="utf-8") + f"  - {{text: \"so {words} again\", tier: distress, "
                        "kind: hopelessness, group: hopelessness/test, about_other: false}\n", encoding="utf-8")
    assert not any(words in f for f in shown(datacheck.heldout_only_patterns(project), project))


def test_crisis_examples_carry_their_kind_and_benign_ones_their_intent(tmp_path):
    (tmp_path / "list.yml").write_text(yaml.safe_dump({"messages": [
        {"text": "going to hurt him tonight", "tier": "crisis", "kind": "harm_others", "about_other": False},
        {"text": "my mum took all her pills", "tier": "crisis", "kind": "overdose_now", "about_other": True},
        {"text": "the war film was brutal", "tier": "none", "kind": "fiction_media", "intent": "out_of_scope"},
        {"text": "what did you find helped after your attempt", "tier": "none", "kind": "past_recovered"},
        {"text": "years on from the crash, what is emdr", "tier": "none", "kind": "faq_question",
         "intent": "faq/trauma_therapies"},
    ]}), encoding="utf-8")
    nlu = {block["intent"]: block["examples"] for block in yaml.safe_load(faqgen._risk_nlu(tmp_path))["nlu"]}
    assert nlu["crisis"] == [
        {"text": "going to hurt him tonight", "metadata": {"kind": "harm_others", "about_other": False}},
        {"text": "my mum took all her pills", "metadata": {"kind": "overdose_now", "about_other": True}}]
    assert nlu["out_of_scope"] == "- the war film was brutal\n"
    assert nlu["faq/trauma_therapies"] == "- years on from the crash, what is emdr\n"
    assert "after your attempt" not in str(nlu)  # no intent of its own: stays out of training


def test_a_dose_in_any_response_is_named(project):
    answer = project / "content/faq/what_are_ssris.yml"
    line = edit(answer, "answer: >-\n", "answer: >-\n  Take 50 mg a day.\n")
    domain = project / "domain.yml"
    domain_line = edit(domain, "responses:\n", "responses:\n  utter_bad:\n  - text: two pills at night\n")
    # a response written into the training data reaches the domain too
    data = project / "data/nlu/conversation.yml"
    data.write_text(data.read_text(encoding="utf-8") + "responses:\n  utter_faq/bad:\n"
                    "  - text: take 3 tablets\n", encoding="utf-8")
    data_line = len(data.read_text(encoding="utf-8").splitlines())
    found = shown(datacheck.doses(project), project)
    assert f"content/faq/what_are_ssris.yml:{line}: contains a dose: '50 mg'" in found
    assert f"domain.yml:{domain_line + 2}: contains a dose: 'two pills'" in found
    assert f"data/nlu/conversation.yml:{data_line}: contains a dose: '3 tablets'" in found


def test_a_faq_answer_reachable_without_the_wrapper_is_named(project):
    rules = project / "data/rules.yml"
    line = edit(rules, "  - action: action_answer_faq\n", "  - action: utter_faq\n")
    found = shown(datacheck.safety_wrapper(project), project)
    assert f"data/rules.yml:{line}: utter_faq skips the safety wrapper: use action_answer_faq" in found
    assert f"data/rules.yml:{line}: a FAQ question must be answered by action_answer_faq" in found


def test_a_duplicated_entity_pattern_is_named(project):
    path = project / "spacy_pipeline/substances.yml"
    line = edit(path, "    diazepam: [diazepam, valium]", "    diazepam: [diazepam, valium, xanax]")
    found = shown(datacheck.duplicate_patterns(project), project)
    assert f"spacy_pipeline/substances.yml:{line}: pattern 'xanax' is already listed " \
           "under benzodiazepine/alprazolam" in found


def test_an_unfilled_placeholder_is_named(project):
    path = project / "content/faq/what_is_cbt.yml"
    line = edit(path, "title: What is CBT?", "title: TODO the question")
    found = shown(datacheck.placeholders(project), project)
    assert found == [f"content/faq/what_is_cbt.yml:{line}: replace the TODO placeholder"]


def test_a_stale_generated_file_is_named(project):
    edit(project / "content/faq/what_is_cbt.yml", "title: What is CBT?", "title: What is CBT, really?")
    edit(project / "content/faq/what_is_cbt.yml", "  - ", "  - a brand new phrasing of the cbt question\n  - ")
    found = shown(datacheck.generated_files(project), project)
    assert found == ["data/nlu/faq.yml:1: out of date with content/faq/: run `make generate`"]


def test_a_rasa_validate_warning_is_named(project):
    stories = project / "data/stories.yml"
    edit(stories, "stories:\n", "stories:\n- story: unknown intent\n  steps:\n"
                                "  - intent: no_such_intent\n  - action: utter_greet\n")
    found = shown(datacheck.rasa_validate(project), project)
    assert any(f.startswith("data/stories.yml:1: rasa data validate:") and "no_such_intent" in f
               for f in found), found


def test_the_scaffolded_topic_fails_until_filled(project):
    from tools import new_faq

    path = new_faq.scaffold("naloxone_demo", project / "content/faq")
    found = shown(datacheck.run(project, with_rasa=False), project)
    assert any(f.startswith("content/faq/naloxone_demo.yml:") and "TODO" in f for f in found)
    assert faqgen.stale_files(project)  # the new topic is not in the generated files yet
    assert path.name == "naloxone_demo.yml"
