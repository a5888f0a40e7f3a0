"""Pick the risk warnings for an answer from its topic and the substances named."""
from typing import Iterable, List, Set

# Entity classes from the entity ruler (spacy_pipeline/substances.yml).
OPIOID = "opioid"
BENZODIAZEPINE = "benzodiazepine"
SEDATING = {"alcohol", "benzodiazepine", "sleeping_pill"}
ANTIDEPRESSANT = {"ssri", "snri", "antidepressant"}
SUBSTANCE_USE = {"alcohol", "cannabis"}
# Every class that is a medicine (alcohol, cannabis and therapies are not).
MEDICINES = {OPIOID, "opioid_antagonist", BENZODIAZEPINE, "sleeping_pill"} | ANTIDEPRESSANT

# Warnings that state the same fact: when the first is chosen, the second is left out.
SAME_FACT = {"opioid_ssri_interaction": "medication_interactions"}


def entity_classes(entities: Iterable[dict]) -> Set[str]:
    """The entity ruler labels each mention with its class (opioid, ssri, alcohol, ...)."""
    return {e.get("entity") for e in entities or [] if e.get("entity")}


def without_repeats(warning_ids: Iterable[str]) -> List[str]:
    """The warnings in order, each once, and none whose fact another already states."""
    chosen = list(dict.fromkeys(warning_ids))
    dropped = {SAME_FACT[w] for w in chosen if w in SAME_FACT}
    return [w for w in chosen if w not in dropped]


def warnings_for(topic_warnings: Iterable[str], classes: Set[str]) -> List[str]:
    """The topic's own warnings, then any that the named substances call for.

    Order matters for the reader: the most specific danger comes first.
    """
    chosen: List[str] = []
    if OPIOID in classes and classes & SEDATING:
        chosen.append("opioid_mixing")
    if OPIOID in classes and classes & ANTIDEPRESSANT:
        chosen.append("opioid_ssri_interaction")
    if OPIOID in classes:
        chosen.append("opioid_addiction")
    if classes & SUBSTANCE_USE:
        chosen.append("substance_use")
    return without_repeats(chosen + list(topic_warnings))
