"""Build the project's spaCy pipeline from the files in this folder.

spaCy's pretrained English packages cannot be installed here, so the pipeline is a
blank English one plus an entity ruler made from `substances.yml`, and an attribute
ruler that gives dotted acronyms (`acronyms.yml`) their plain form as lemma. Rasa's `SpacyNLP`
loads the result from a path (see config.yml).

    python spacy_pipeline/build.py OUTPUT_DIR
"""
import sys
from pathlib import Path

import spacy
import yaml

HERE = Path(__file__).parent
# Where `make spacy-model` writes the pipeline; config.yml points SpacyNLP here.
ROOT_MODEL = HERE.parent / "build" / "spacy_model"


def ruler_patterns(path: Path = HERE / "substances.yml") -> list:
    """One token pattern per name; the label is the class, the id the canonical name."""
    classes = yaml.safe_load(path.read_text(encoding="utf-8"))["classes"]
    tokenizer = spacy.blank("en").tokenizer
    patterns = []
    for label, items in classes.items():
        for canonical, names in items.items():
            for name in names:
                tokens = [{"LOWER": t.lower_} for t in tokenizer(str(name))]
                patterns.append({"label": label, "pattern": tokens, "id": canonical})
    return patterns


def acronym_patterns(path: Path = HERE / "acronyms.yml") -> list:
    """"C.B.T.", "c.b.t" and "C.B.T" all get the lemma "cbt"."""
    patterns = []
    for acronym in yaml.safe_load(path.read_text(encoding="utf-8"))["acronyms"]:
        dotted = ".".join(acronym)
        spellings = sorted({dotted, dotted + "."})
        patterns.append({"patterns": [[{"LOWER": {"IN": spellings}}]], "attrs": {"LEMMA": acronym}})
    return patterns


def build(output: Path) -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ruler_patterns())
    nlp.add_pipe("attribute_ruler").add_patterns(acronym_patterns())
    nlp.meta["name"] = "ptsd_assistant"
    nlp.meta["description"] = "Blank English + entity ruler for medications and therapies"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
