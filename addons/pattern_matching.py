"""Build spaCy matchers from a maintainers' YAML file of phrases and token patterns.

The file has `sets` (named word lists, one token each), `phrases` (matched on
lower-case text) and `patterns` (spaCy Matcher token patterns, which may name a set
instead of a word list). The crisis net and the medication-risk net are both RuleNets.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from spacy.matcher import Matcher, PhraseMatcher


def _expand_sets(value, sets: Dict[str, List[str]]):
    """Replace a set's name (e.g. "SELF") inside a token pattern with its words."""
    if isinstance(value, str) and value in sets:
        return sets[value]
    if isinstance(value, dict):
        return {k: _expand_sets(v, sets) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_sets(v, sets) for v in value]
    return value


def build_matchers(nlp, path: Path, section: Optional[str] = None):
    """(phrase matcher, token matcher) for the file, or for one labelled `section` of it.

    A section has its own `phrases` and `patterns` lists, all under the section's name,
    and shares the file's `sets`.
    """
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    sets = spec.get("sets") or {}
    if section is not None:
        spec = {"phrases": {section: spec[section].get("phrases") or []},
                "patterns": {section: spec[section].get("patterns") or []}}
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, items in (spec.get("phrases") or {}).items():
        if items:
            phrases.add(label, list(nlp.tokenizer.pipe(str(i) for i in items)))
    tokens = Matcher(nlp.vocab)
    for label, patterns in (spec.get("patterns") or {}).items():
        if patterns:
            tokens.add(label, _expand_sets(patterns, sets))
    return phrases, tokens


def matches(doc, phrases, tokens):
    """(label, span) for every match of either matcher, in text order."""
    # an empty matcher warns on every call (spaCy W036): a section may have no patterns
    hits = [hit for matcher in (phrases, tokens) if len(matcher) for hit in matcher(doc)]
    found = [(doc.vocab.strings[m], doc[s:e]) for m, s, e in hits]
    return sorted(found, key=lambda item: item[1].start)


def override_intent(message: Message, intent: str, confidence: float = 1.0) -> None:
    """Make `intent` the message's intent (full confidence by default), ahead of the ranking."""
    chosen = {"name": intent, "confidence": confidence}
    ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i.get("name") != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen] + ranking, add_to_output=True)


class RuleNet(GraphComponent):
    """Base for an NLU component that matches `PATTERNS_FILE` on the spaCy doc.

    Subclasses set PATTERNS_FILE and register themselves with the recipe (with
    model_from="SpacyNLP", so that `process` receives the spaCy model).
    """

    PATTERNS_FILE: Path

    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config
        self._matchers = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RuleNet":
        return cls(config)

    def matchers(self, model: SpacyModel):
        """(phrase matcher, token matcher), built once from the patterns file."""
        if self._matchers is None:
            self._matchers = build_matchers(model.model, self.PATTERNS_FILE)
        return self._matchers
