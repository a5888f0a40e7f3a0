"""Pick the risk warnings for an answer from its topic and the substances named."""
from typing import Iterable, List, Set

OPIOID = "opioid"
SEDATING = {"alcohol", "benzodiazepine", "sleeping_pill"}
ANTIDEPRESSANT = {"ssri", "snri", "antidepressant"}
SUBSTANCE_USE = {"alcohol", "cannabis"}


def entity_classes(entities: Iterable[dict]) -> Set[str]:
    """The entity ruler labels each mention with its class (opioid, ssri, alcohol, ...)."""
    return {e.get("entity") for e in entities or [] if e.get("entity")}


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
    for warning_id in topic_warnings:
        if warning_id not in chosen:
            chosen.append(warning_id)
    return chosen
