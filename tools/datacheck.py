"""Checks on the training data and content that name the file and line of each problem.

    python -m tools.datacheck           # `make check`; exit 1 on any problem
    python -m tools.datacheck --no-rasa # skip `rasa data validate` (the slow part)

Each check is a function of the project root that yields Problems, so that the tests
can run it on a deliberately broken copy of the project.
"""
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import textstat

from content.dose import find_dose
from tools import faqgen
from tools.yaml_lines import YamlDoc

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "TODO"
ARTICLE_PARAGRAPHS = {f"P{i}" for i in range(1, 10)}
SAFETY_FACT_SECTIONS = {f"safety-facts {i}" for i in range(1, 7)}
RISKS = {"general", "treatment", "medication", "opioid"}
MIN_EXAMPLES = 15
MIN_HELDOUT = 5
FAQ_ACTION = "action_answer_faq"
# Plain words (issue 13): patients read answers on phones, some in distress. Words are
# counted and the Flesch-Kincaid grade measured by textstat (pinned in requirements.in).
MAX_ANSWER_WORDS = 60
MAX_ANSWER_GRADE = 8.0      # any one answer
MAX_MEAN_GRADE = 7.0        # the mean over all answers
# An answer that names an opioid must say where guidelines stand (safety-facts 1), in one
# sentence like GUIDELINE_EXAMPLE, and carry the opioid warning.
GUIDELINE_EXAMPLE = "No major guideline recommends opioids for PTSD."
GUIDELINE_LINE = re.compile(r"\bno\b.*\bguidelines?\b.*\brecommends?\b.*\bopioids?\b", re.I | re.S)
OPIOID_WARNING = "opioid_addiction"
OPIOID_CLASS = "opioid"
OPIOID_WORDS = ["opioid", "opioids", "opiate", "opiates"]  # if substances.yml is missing
# Names in the opioid class of spacy_pipeline/substances.yml that are everyday words in
# an answer (painkillers are not all opioids; "perks" and "blues" are not drugs in prose).
NOT_OPIOID_IN_PROSE = {"blues", "perk", "perks", "painkiller", "painkillers", "pain killers",
                       "pain pills", "pain meds", "pain med", "pain medication",
                       "pain medications", "pain medicine"}
# The answer limits on the other texts the patient reads (content/<name>.yml): the ones
# named here fail `make check`; the rest are only reported. Both files passed these when
# the checks came in; the crisis texts' grade did not (the list of overdose signs).
OTHER_TEXT_LIMITS = {"warnings": {"words", "grade"}, "crisis": {"words"}}
# Warnings that Rasa 3.6 prints for every project built this way, each for a reason:
KNOWN_RASA_WARNINGS = {
    # A retrieval intent is listed in the domain and added again from its responses.
    "The following duplicated intents have been found across multiple domain files: faq",
    # Deliberate: FAQ answers go out only through action_answer_faq, the safety wrapper.
    "The utterance 'utter_faq' is not used in any story or rule.",
    # Rasa's own action_restart sends utter_restart; no rule needs to name it.
    "The utterance 'utter_restart' is not used in any story or rule.",
}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def show(self, root: Path) -> str:
        path = self.path.relative_to(root) if self.path.is_absolute() else self.path
        return f"{path}:{self.line}: {self.message}"


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _docs(root: Path, pattern: str) -> List[YamlDoc]:
    return [YamlDoc(p) for p in sorted(root.glob(pattern))]


def _generated(doc: YamlDoc) -> bool:
    return doc.path.read_text(encoding="utf-8").startswith(faqgen.HEADER)


def _topics(root: Path) -> List[YamlDoc]:
    return _docs(root, "content/faq/*.yml")


def _examples(root: Path, key: str, folders: Iterable[str]) -> Iterator[Tuple[str, Path, int, str]]:
    """(intent, path, line, text) of every example: FAQ topics' `key` list, then the
    hand-written NLU files in `folders` (generated files are covered by the topics)."""
    for doc in _topics(root):
        name = doc.data.get("topic")
        for i, text in enumerate(doc.data.get(key) or []):
            yield f"faq/{name}", doc.path, doc.line(key, i), str(text)
    for folder in folders:
        for doc in _docs(root, f"{folder}/*.yml"):
            if _generated(doc):
                continue
            for b, block in enumerate(doc.data.get("nlu") or []):
                for line, text in doc.block_lines("nlu", b, "examples"):
                    yield block.get("intent"), doc.path, line, text


def placeholders(root: Path) -> Iterator[Problem]:
    for doc in _topics(root):
        for number, text in enumerate(doc.path.read_text(encoding="utf-8").splitlines(), 1):
            if PLACEHOLDER in text and not text.lstrip().startswith("#"):
                yield Problem(doc.path, number, f"replace the {PLACEHOLDER} placeholder")


def topic_fields(root: Path) -> Iterator[Problem]:
    warning_ids = set((YamlDoc(root / "content/warnings.yml").data.get("warnings") or {}))
    for doc in _topics(root):
        topic = doc.data
        if topic.get("topic") != doc.path.stem:
            yield Problem(doc.path, doc.line("topic"), f"`topic` must be {doc.path.stem!r}, the file's name")
        for key in ("title", "answer"):
            if not str(topic.get(key) or "").strip():
                yield Problem(doc.path, doc.line(key), f"`{key}` is missing")
        citation = topic.get("citation") or []
        bad = [c for c in citation if c not in ARTICLE_PARAGRAPHS | SAFETY_FACT_SECTIONS]
        if not citation or bad:
            yield Problem(doc.path, doc.line("citation"),
                          "`citation` must list article paragraphs (P1..P9) or "
                          f"'safety-facts N' sections{f'; not {bad}' if bad else ''}")
        if topic.get("risk") not in RISKS:
            yield Problem(doc.path, doc.line("risk"), f"`risk` must be one of {sorted(RISKS)}")
        warnings = topic.get("warnings") or []
        unknown = [w for w in warnings if w not in warning_ids]
        if not warnings or unknown:
            yield Problem(doc.path, doc.line("warnings"),
                          "`warnings` must list ids from content/warnings.yml"
                          f"{f'; unknown: {unknown}' if unknown else ''}")
        if "\n\n" in str(topic.get("answer") or ""):
            yield Problem(doc.path, doc.line("answer"), "no blank line in `answer`: it splits the message")


def example_counts(root: Path) -> Iterator[Problem]:
    for doc in _topics(root):
        for key, minimum in (("examples", MIN_EXAMPLES), ("heldout", MIN_HELDOUT)):
            count = len(doc.data.get(key) or [])
            if count < minimum:
                yield Problem(doc.path, doc.line(key), f"`{key}` has {count}; at least {minimum} needed")
    for doc in _docs(root, "data/nlu/*.yml"):
        if _generated(doc):
            continue
        for b, block in enumerate(doc.data.get("nlu") or []):
            count = len(list(doc.block_lines("nlu", b, "examples")))
            if "intent" in block and count < MIN_EXAMPLES:
                yield Problem(doc.path, doc.line("nlu", b),
                              f"intent {block['intent']!r} has {count} examples; at least {MIN_EXAMPLES} needed")


def duplicate_examples(root: Path) -> Iterator[Problem]:
    first: Dict[str, Tuple[str, Path, int]] = {}
    for intent, path, line, text in _examples(root, "examples", ["data/nlu"]):
        seen = first.setdefault(_normalise(text), (intent, path, line))
        if seen[0] != intent:
            yield Problem(path, line, f"{text!r} is an example of {intent} and also of "
                                      f"{seen[0]} ({seen[1].relative_to(root)}:{seen[2]})")


def _faq_rounds(root: Path) -> List[str]:
    """Every later round of FAQ held-out questions (tests/heldout/faq_round*/)."""
    return sorted(str(p.relative_to(root)) for p in (root / "tests" / "heldout").glob("faq_round*") if p.is_dir())


def heldout_leaks(root: Path) -> Iterator[Problem]:
    training = {_normalise(t): (p, n) for _, p, n, t in _examples(root, "examples", ["data/nlu"])}
    unseen = list(_examples(root, "heldout", ["tests/heldout", *_faq_rounds(root)]))
    for doc in _docs(root, "tests/safety_lists/*.yml") + _docs(root, "tests/heldout/risk*.yml"):
        unseen += [(None, doc.path, doc.line("messages", i), m["text"])
                   for i, m in enumerate(doc.data.get("messages") or [])]
    for _, path, line, text in unseen:
        if _normalise(text) in training:
            where, number = training[_normalise(text)]
            yield Problem(path, line, f"{text!r} is held out for testing but is also training "
                                      f"data ({where.relative_to(root)}:{number})")


def _strings(value, keys=()) -> Iterator[Tuple[tuple, str]]:
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, keys + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, keys + (i,))


def doses(root: Path) -> Iterator[Problem]:
    """Everything the assistant can say: responses, answers, warnings, crisis texts."""
    # The domain's responses, and the FAQ responses generated into the training data (a
    # response in any data file reaches the domain, so every data file is read).
    sources = [(d, ("responses",)) for d in [YamlDoc(root / "domain.yml")] + _docs(root, "data/**/*.yml")]
    sources += [(d, ("answer",)) for d in _topics(root)] + [(d, ("title",)) for d in _topics(root)]
    sources += [(YamlDoc(root / f"content/{n}.yml"), ()) for n in ("warnings", "crisis", "resources")]
    for doc, keys in sources:
        value = doc.data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        for path, text in _strings(value, keys):
            if find_dose(text):
                yield Problem(doc.path, doc.line(*path), f"contains a dose: {find_dose(text)!r}")


def safety_wrapper(root: Path) -> Iterator[Problem]:
    """An FAQ answer must only go out through action_answer_faq, which adds the warning
    and the referral: no rule or story may utter it, or follow a FAQ with anything else."""
    for doc in _docs(root, "data/**/*.yml") + _docs(root, "tests/e2e/*.yml"):
        for kind in ("rules", "stories"):
            for b, block in enumerate(doc.data.get(kind) or []):
                steps = block.get("steps") or []
                for s, step in enumerate(steps):
                    action = str(step.get("action", ""))
                    if action.startswith("utter_faq"):
                        yield Problem(doc.path, doc.line(kind, b, "steps", s),
                                      f"{action} skips the safety wrapper: use {FAQ_ACTION}")
                    following = steps[s + 1] if s + 1 < len(steps) else {}
                    if str(step.get("intent", "")).split("/")[0] == "faq" and following \
                            and following.get("action") != FAQ_ACTION:
                        yield Problem(doc.path, doc.line(kind, b, "steps", s + 1),
                                      f"a FAQ question must be answered by {FAQ_ACTION}")


def duplicate_patterns(root: Path) -> Iterator[Problem]:
    doc = YamlDoc(root / "spacy_pipeline/substances.yml")
    first: Dict[str, str] = {}
    for label, items in (doc.data.get("classes") or {}).items():
        for canonical, names in items.items():
            for i, name in enumerate(names):
                where = f"{label}/{canonical}"
                seen = first.setdefault(name.lower(), where)
                if seen != where or names[:i].count(name):
                    yield Problem(doc.path, doc.line("classes", label, canonical, i),
                                  f"pattern {name!r} is already listed under {seen}")


RISK_PATTERN_FILES = ("crisis_patterns.yml", "distress_patterns.yml", "context_patterns.yml")


def _joined(texts: Iterable[str]) -> str:
    return "\n".join(f" {_normalise(t)} " for t in texts)


def _risk_messages(root: Path, pattern: str) -> List[str]:
    return [str(m["text"]) for doc in _docs(root, pattern) for m in doc.data.get("messages") or []]


def heldout_only_patterns(root: Path) -> Iterator[Problem]:
    """A risk phrase that a held-out message uses and no development message does was
    most likely written from the held-out set, which makes its figure memory. Write a
    development message that shows the phrase's class, or take the phrase out."""
    development = _joined([t for _, _, _, t in _examples(root, "examples", ["data/nlu"])]
                          + _risk_messages(root, "data/risk/*.yml"))
    heldout = _joined([t for _, _, _, t in _examples(root, "heldout", ["tests/heldout", *_faq_rounds(root)])]
                      + _risk_messages(root, "tests/heldout/risk*.yml"))
    for name in RISK_PATTERN_FILES:
        doc = YamlDoc(root / "addons" / name)
        for path, phrase in _strings(doc.data):
            needle = f" {_normalise(phrase)} "
            if "phrases" in path and "sets" not in path and needle in heldout and needle not in development:
                yield Problem(doc.path, doc.line(*path), f"phrase {phrase!r} is in a held-out message and "
                                                         "in no development message (data/risk/)")


def generated_files(root: Path) -> Iterator[Problem]:
    for path in faqgen.stale_files(root):
        yield Problem(path, 1, "out of date with content/faq/: run `make generate`")


def _plain_text(text: str) -> str:
    return " ".join(str(text or "").split())


def _answers(root: Path) -> Iterator[Tuple[YamlDoc, str]]:
    """Each topic with its answer as the patient reads it. An answer still holding the
    placeholder is left to `placeholders`: it is not the answer yet."""
    for doc in _topics(root):
        answer = _plain_text(doc.data.get("answer"))
        if answer and PLACEHOLDER not in answer:
            yield doc, answer


def words(text: str) -> int:
    return textstat.lexicon_count(text)


def grade(text: str) -> float:
    """Flesch-Kincaid grade, rounded to one decimal as reported."""
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def answer_length(root: Path) -> Iterator[Problem]:
    for doc, answer in _answers(root):
        count = words(answer)
        if count > MAX_ANSWER_WORDS:
            yield Problem(doc.path, doc.line("answer"),
                          f"`answer` has {count} words; at most {MAX_ANSWER_WORDS}")


def answer_grade(root: Path) -> Iterator[Problem]:
    graded = [(doc, grade(answer)) for doc, answer in _answers(root)]
    for doc, value in graded:
        if value > MAX_ANSWER_GRADE:
            yield Problem(doc.path, doc.line("answer"),
                          f"`answer` reads at grade {value} (Flesch-Kincaid); at most "
                          f"{MAX_ANSWER_GRADE:g}: shorter sentences, everyday words")
    if graded:
        mean = sum(value for _, value in graded) / len(graded)
        if mean > MAX_MEAN_GRADE:
            doc, value = max(graded, key=lambda item: item[1])
            yield Problem(doc.path, doc.line("answer"),
                          f"the mean grade of the {len(graded)} answers is {mean:.2f}; at most "
                          f"{MAX_MEAN_GRADE:g}. The hardest is this one, at grade {value}")


@lru_cache(maxsize=None)
def _opioid_pattern(substances: Path, mtime: float) -> "re.Pattern":
    """Every name in the opioid class (generic, brand, slang, misspelling), as whole words."""
    names = set(OPIOID_WORDS)
    if substances.exists():
        classes = YamlDoc(substances).data.get("classes") or {}
        names |= {str(name).lower() for canonical, listed in (classes.get(OPIOID_CLASS) or {}).items()
                  for name in [canonical] + list(listed or [])}
    names = sorted(names - NOT_OPIOID_IN_PROSE, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


def opioid_named(root: Path, text: str) -> Optional[str]:
    """The first opioid the text names (any name in the opioid class of
    spacy_pipeline/substances.yml, "opioid" and "opiate" included), or None."""
    substances = root / "spacy_pipeline/substances.yml"
    mtime = substances.stat().st_mtime if substances.exists() else 0.0
    found = _opioid_pattern(substances, mtime).search(text)
    return found.group(0) if found else None


def _sentences(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def opioid_framing(root: Path) -> Iterator[Problem]:
    """An answer that names an opioid states that no guideline recommends opioids for
    PTSD, and carries the opioid warning."""
    for doc, answer in _answers(root):
        named = opioid_named(root, answer)
        if not named:
            continue
        if not any(GUIDELINE_LINE.search(sentence) for sentence in _sentences(answer)):
            yield Problem(doc.path, doc.line("answer"),
                          f"`answer` names {named!r} but not the guideline position: add a "
                          f"sentence like {GUIDELINE_EXAMPLE!r}")
        if OPIOID_WARNING not in (doc.data.get("warnings") or []):
            yield Problem(doc.path, doc.line("warnings"),
                          f"`answer` names {named!r}: `warnings` must include {OPIOID_WARNING}")


def _other_texts(root: Path) -> Iterator[Tuple[str, YamlDoc, tuple, str]]:
    """The warning, referral and crisis texts the patient reads, by file (sources, button
    titles and payloads are not prose, and are left out)."""
    for name in OTHER_TEXT_LIMITS:
        path = root / f"content/{name}.yml"
        if not path.exists():
            continue
        doc = YamlDoc(path)
        for keys, text in _strings(doc.data):
            if keys and keys[-1] in ("source", "title", "payload"):
                continue
            yield name, doc, keys, _plain_text(text)


def _other_text_limits(root: Path, enforced: bool) -> Iterator[Problem]:
    for name, doc, keys, text in _other_texts(root):
        count, value = words(text), grade(text)
        if count > MAX_ANSWER_WORDS and ("words" in OTHER_TEXT_LIMITS[name]) == enforced:
            yield Problem(doc.path, doc.line(*keys),
                          f"has {count} words; at most {MAX_ANSWER_WORDS}, as for answers")
        if value > MAX_ANSWER_GRADE and ("grade" in OTHER_TEXT_LIMITS[name]) == enforced:
            yield Problem(doc.path, doc.line(*keys),
                          f"reads at grade {value} (Flesch-Kincaid); at most {MAX_ANSWER_GRADE:g}, "
                          "as for answers")


def other_texts(root: Path) -> Iterator[Problem]:
    """The answer limits on the warning and crisis texts, where OTHER_TEXT_LIMITS
    enforces them."""
    yield from _other_text_limits(root, enforced=True)


def other_text_notes(root: Path) -> Iterator[Problem]:
    """The same limits where they are not enforced: reported by `make check`, not failed
    on (a list of overdose signs is one long "sentence" to Flesch-Kincaid)."""
    yield from _other_text_limits(root, enforced=False)


def rasa_validate(root: Path) -> Iterator[Problem]:
    rasa = Path(sys.executable).parent / "rasa"
    result = subprocess.run(
        [str(rasa), "data", "validate", "--fail-on-warnings", "--max-history", "5"],
        cwd=root, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    # Each warning runs from "UserWarning:" to Rasa's colour reset or the next log line.
    warnings = re.findall(r"UserWarning: (.*?)(?:\x1b\[0m|\n\d{4}-\d\d-\d\d |\Z)", output, re.S)
    for warning in warnings:
        message = " ".join(warning.split()).split(" More info at ")[0]
        if message in KNOWN_RASA_WARNINGS:
            continue
        named = re.search(r"Issue found in '([^']+)'", message)
        yield Problem(root / (named.group(1) if named else "domain.yml"), 1, f"rasa data validate: {message}")
    if result.returncode != 0 and not warnings:
        yield Problem(root / "data", 1, f"rasa data validate failed:\n{output[-2000:]}")


CHECKS = [placeholders, topic_fields, example_counts, duplicate_examples, heldout_leaks,
          doses, answer_length, answer_grade, opioid_framing, other_texts, safety_wrapper,
          duplicate_patterns, heldout_only_patterns, generated_files, rasa_validate]
# Reported by `make check` but not failed on.
NOTES = [other_text_notes]


def run(root: Path = ROOT, with_rasa: bool = True) -> List[Problem]:
    checks = CHECKS if with_rasa else [c for c in CHECKS if c is not rasa_validate]
    return [problem for check in checks for problem in check(root)]


def notes(root: Path = ROOT) -> List[Problem]:
    return [note for check in NOTES for note in check(root)]


def main(argv) -> int:
    problems = run(ROOT, with_rasa="--no-rasa" not in argv)
    for note in notes(ROOT):
        print(f"note (not a failure): {note.show(ROOT)}")
    for problem in problems:
        print(problem.show(ROOT))
    print(f"{len(problems)} problem(s)" if problems else "All data checks passed.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
