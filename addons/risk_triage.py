"""Risk triage: every message gets a tier (crisis, distress or none) before anything else.

It runs after every classifier, including the FallbackClassifier, so no classifier and
no fallback outvotes it; being in the pipeline, it holds on every channel.

- crisis: crisis wording (crisis_patterns.yml), or a crisis probability (DIET's `crisis`
  intent blended with the risk classifier's) at `crisis_threshold` or more. The kind (suicide, self_harm, overdose_now,
  harm_others, voices, recent_attempt) picks the first message of the reply.
- distress: distress wording (distress_patterns.yml), the classifier's `distress`
  intent, crisis wording that is negated ("I'm not going to hurt myself"), or a crisis
  intent the classifier is unsure of. Uncertain risk gets the check-in, which asks
  directly: never silence and never an FAQ guess (safety-facts.md section 5).

The parse output gains `risk` ({"tier", "kinds", "about_other", "matches"}); a crisis
also keeps the `crisis` entry ({"kinds", "matches", "classifier"}) that older
transcripts have. The intent becomes `crisis` or `distress` with full confidence.
"""
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons import pattern_matching
from addons.crisis_net import METHOD, PATTERNS_FILE as CRISIS_FILE, crisis_spans, reply_kind
from content.risk import (CRISIS, CRISIS_ENTRY, CRISIS_INTENT, DISTRESS, DISTRESS_INTENT, KIND_GUESS, NONE, RISK,
                          SCORES)

DISTRESS_FILE = Path(__file__).with_name("distress_patterns.yml")
FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"  # the ResponseSelector's retrieval intent (config.yml)

# A negation just before crisis wording ("not going to", "never would") makes it
# distress: the person is talking about the risk, so ask rather than alarm or ignore.
NEGATIONS = {"not", "never", "n't", "no", "dont", "don't", "didnt", "wont", "nt", "neither"}
# ...unless the negation is about stopping ("can't stop thinking about killing myself").
NOT_A_NEGATION_AFTER = {"stop", "help", "wait", "resist", "quit", "shake", "stand", "take"}
NEGATION_WINDOW = 3
# "won't open her eyes", "can't wake him": before an overdose's sign the negation is the
# sign itself, not a denial
SIGN_WORDS = {"open", "opening", "wake", "waking", "breathe", "breathing", "respond", "responding", "answer",
              "answering", "move", "moving"}
# First-person words near risk wording: the writer speaks of their own risk.
FIRST_PERSON = {"i", "i'm", "im", "me", "myself", "i've", "ive", "i'll", "ill", "i'd", "mine"}


# A negation denies only within its own clause: "you don't feel anything if you take
# enough sleeping tablets" denies the feeling, not the amount.
CLAUSE_STARTS = {"if", "when", "because", "cause", "cos", "but", "so", "then", ".", ";"}


def _negated(doc, span) -> bool:
    if any(t.lower_ in NEGATIONS for t in span) or span[0].lower_ in SIGN_WORDS | CLAUSE_STARTS:
        return False  # the wording itself is negative: "don't want to live"
    window = doc[max(0, span.start - NEGATION_WINDOW):span.start]
    breaks = [i for i, t in enumerate(window) if t.lower_ in CLAUSE_STARTS]
    if breaks:
        window = window[breaks[-1] + 1:]
    for index, token in enumerate(window):
        if token.lower_ in NEGATIONS:
            after = {t.lower_ for t in window[index + 1:]}
            return not after & NOT_A_NEGATION_AFTER
    return False


# Words that make the writer the subject: "I", not "me" ("my son sent me a goodbye text").
FIRST_PERSON_SUBJECT = {"i", "i'm", "im", "i've", "ive", "i'll", "ill", "i'd", "myself"}
OTHER_SELF = {"himself", "herself", "themselves", "themself", "hisself"}
OTHER_OWN = {"his", "her", "their"}
# Kinds whose wording names the person at risk by a possessive: "end his life", "who gets her things"
SELF_DIRECTED = {"suicide", "self_harm", "recent_attempt"}
HE_OR_SHE = {"he", "she", "hes", "shes"}
PREPOSITIONS = {"to", "for", "with", "at", "from", "of", "about", "by", "on", "than"}
LOOK_BACK = 12
LONG_POST_TOKENS = 40


def about_other(doc, spans, markers, self_directed=()) -> bool:
    """Whether the person at risk is someone other than the writer (a helper writes).

    Each risk span is judged within its own sentence: the nearest subject before it ("I"
    says the writer; "my son", "he", "she" someone else), else the first subject of that
    sentence after it ("Flatmate left a note saying goodbye and she's not answering"). With no span
    (a classifier decided), someone else only if the message opens with them. No subject at
    all: the writer, since people drop the "I" ("wrote goodbye letters to my mom").
    In `self_directed` spans (suicide, self-harm, an attempt) "his" or "her" before a noun
    names the person at risk ("tried to end his life"); in harm to others it names the victim.
    """
    if any(t.lower_ in OTHER_OWN and t.i < span.end - 1 for span in self_directed for t in span):
        return True
    # "letters to my kids", "the key with my sister": after a preposition, "my kids" is whom
    # the act is for, not who acts
    marked = {i for _, span in pattern_matching.matches(doc, *markers)
              if span.start == 0 or doc[span.start - 1].lower_ not in PREPOSITIONS
              for i in range(span.start, span.end)}
    if not marked:
        return False
    sentence = _sentence_ids(doc)

    def subject(i) -> str:
        if doc[i].lower_ in OTHER_SELF or i in marked:
            return "other"
        return "self" if doc[i].lower_ in FIRST_PERSON_SUBJECT else ""

    def first_subject(indices) -> str:
        return next((verdict for verdict in map(subject, indices) if verdict), "")

    def sentence_tokens(i) -> List[int]:
        return [j for j in range(len(doc)) if sentence[j] == sentence[i]]

    for span in spans:
        # inside the wording only "himself"/"herself" name the person at risk: "stab my
        # neighbour" names the one who would be hurt, not the one at risk
        if any(t.lower_ in OTHER_SELF for t in span):
            return True
        before = [j for j in range(span.start - 1, max(-1, span.start - 1 - LOOK_BACK), -1)
                  if sentence[j] == sentence[span.start]]
        # after the wording, "my mum" is likely its object ("wrote goodbye letters to my mum");
        # only "he" or "she" says who acts ("left a note saying goodbye and she's not answering")
        after = [j for j in sentence_tokens(span.start) if j >= span.end and doc[j].lower_ in HE_OR_SHE]
        verdict = first_subject(before) or first_subject(after)
        if verdict:
            return verdict == "other"
    # In a long post the sentences are about many people, and the writer is the one who posts.
    if spans or len(doc) > LONG_POST_TOKENS or not len(doc):
        return False
    # the writer often drops the "I" ("told my best friend she can have the car"), so only a
    # helper who opens the message names someone else ("my son says ...")
    return first_subject(range(min(2, len(doc)))) == "other"


def _confidence(message: Message, intent_name: str) -> float:
    return max(
        [float(i.get("confidence") or 0) for i in message.get(INTENT_RANKING_KEY) or []
         if i.get("name") == intent_name] + [0.0]
    )


CONTEXT_FILE = Path(__file__).with_name("context_patterns.yml")
CONTEXT_SECTIONS = ("idiom", "question", "symptom_question", "urgent", "past", "recovered", "fiction", "positive",
                    "everyday", "cue",
                    "hint_overdose_now", "hint_harm_others", "hint_voices", "recent_past")
# Distress that is also a PTSD symptom (safety-facts section 6): numbness, feeling cut off.
SYMPTOM_KINDS = {"numbness", "isolation"}
ASKED_IN_ANY_QUESTION = {"passive_wish", "hopelessness"}
SYMPTOM_WORDS = {"numb", "numbness", "detached", "disconnected", "distant", "flat", "nothing", "cut"}
# For a crisis only a classifier found: the first kind whose hint is there, else none.
KIND_HINTS = ("overdose_now", "voices", "harm_others")
# Kinds whose first message is emergency services (content.crisis_messages), which the kind
# classifier may add to suicide wording.
EMERGENCY_GUESSES = ("voices", "harm_others")
TALK_FIRST_KINDS = {"suicide", "self_harm"}
NEGATED = "negated"


def _spans(doc, matchers) -> List:
    return [span for _, span in pattern_matching.matches(doc, *matchers)]


SENTENCE_ENDS = {".", "!", "?", "...", ";"}


def _sentence_ids(doc) -> List[int]:
    """Each token's sentence number: the project's spaCy pipeline has no parser."""
    ids, current = [], 0
    for token in doc:
        ids.append(current)
        if token.text in SENTENCE_ENDS or "\n" in token.text_with_ws:
            current += 1
    return ids


def _covered(spans) -> set:
    return {i for span in spans for i in range(span.start, span.end)}


class Context:
    """What the wording around a risk match says about it (context_patterns.yml)."""

    def __init__(self, doc, found: Dict[str, List]) -> None:
        self.doc = doc
        # "it's not getting better", "no reason to keep trying": a negated hope is none
        found = {**found, "positive": [s for s in found["positive"] if not _negated(doc, s)]}
        self.found = found
        self.idiom_tokens = _covered(found["idiom"])
        # A long post mixes times and topics: past, question and story markers count for
        # the sentence they stand in; "urgent" and "recovered" for the whole message.
        self.sentence = _sentence_ids(doc)
        self.topic_in = set() if found["urgent"] else {
            self.sentence[s.start] for s in found["question"] + found["fiction"]}
        self.recovered = bool(found["past"] and found["recovered"])
        self.topic = bool(self.topic_in)
        self.negated_only = False

    def in_sentence_of(self, span, section: str) -> bool:
        sentence = self.sentence[span.start]
        return any(self.sentence[s.start] == sentence for s in self.found[section])

    def first_person_near(self, span) -> bool:
        window = self.doc[max(0, span.start - 4):span.end]
        return any(t.lower_ in FIRST_PERSON for t in window)

    def judge(self, span, topic_counts: bool = True) -> str:
        """crisis (counts as found), distress (ask), negated or none (does not count).

        `topic_counts=False` for method-seeking, which a question does not make safe.
        """
        if any(i in self.idiom_tokens for i in range(span.start, span.end)):
            return NONE
        if _negated(self.doc, span):
            self.negated_only = True
            return NEGATED
        sentence = self.sentence[span.start]
        # a past marker inside the wording is part of it: "relapsed after months clean from sh"
        if any(self.sentence[s.start] == sentence and not span.start <= s.start < s.end <= span.end
               for s in self.found["past"]):
            return NONE if self.recovered else DISTRESS
        if topic_counts and sentence in self.topic_in and not self.first_person_near(span):
            return NONE
        return CRISIS

    def denied(self) -> bool:
        """A denial of crisis wording ("not suicidal, just asking about EMDR") holds
        against the crisis classifier, unless something happens now ("not trying to die, I
        just took extra morphine and can barely breathe"). The distress classifier still
        counts: "not suicidal, just tired of everything" is asked about."""
        return self.negated_only and not (self.found["urgent"] or self.found["hint_overdose_now"])

    def classifier_may_count(self, tier: str) -> bool:
        """Whether a classifier's crisis or distress may count for this message.

        Never for a topic question, a past risk, a story or a life-affirming line, nor
        for a figure of speech; a crisis not after a denial. `tier=CRISIS` asks for a risk
        word too, where the classifier is unsure: it confuses "I want to live my best life"
        with its opposite.
        """
        # In a long post a question at the end says nothing of the sentence that carries the
        # risk, and the classifier reads the whole post: there, only the patterns judge topics.
        short = len(self.doc) <= LONG_POST_TOKENS
        topic = self.topic and short
        # likewise everyday stress: one mention of the bills says nothing of a long post's risk
        everyday = self.found["everyday"] and short
        if (topic or self.recovered or self.found["positive"] or everyday
                or self.found["symptom_question"]):
            return False
        if tier == CRISIS and self.denied():
            return False
        cues = [s for s in self.found["cue"] if s.start not in self.idiom_tokens]
        if tier == CRISIS:
            return bool(cues)
        return bool(cues) or not self.idiom_tokens


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP"
)
class RiskTriage(pattern_matching.RuleNet):
    PATTERNS_FILE = CRISIS_FILE

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # The crisis probability: DIET's crisis intent blended with the risk classifier's
            # (addons/risk_classifier.py), which weighs this much; DIET's alone where that
            # classifier does not run. Chosen on the nine read held-out rounds with two
            # trainings (docs/risk-triage.md): crisis from crisis_threshold...
            "scores_weight": 0.67,
            "crisis_threshold": 0.4,
            # ...and distress (ask directly) from here up to crisis_threshold
            "uncertain_crisis_threshold": 0.35,
            # DIET's crisis intent alone (no risk classifier) is a crisis from here, as it was
            # before the blend
            "diet_crisis_threshold": 0.5,
            # DIET's crisis intent alone asks (beside a risk word) from here
            "diet_uncertain_threshold": 0.15,
            # DIET's distress intent counts from here
            "distress_threshold": 0.3,
            # as the FallbackClassifier's: below it, a message the triage cleared is asked about
            "fallback_threshold": 0.4,
            # where DIET's other intents hold less than this, its choice among them is noise
            "min_rest": 0.01,
            # the kind classifier's guess counts from here, for a crisis no pattern names
            "kind_threshold": 0.5,
            "about_other_threshold": 0.5,
            # ...and adds voices or harm to others to suicide wording from here
            "emergency_kind_threshold": 0.6,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._more = None

    def more_matchers(self, model: SpacyModel) -> Dict[str, Any]:
        """The distress patterns, the helper markers and each context section, built once."""
        if self._more is None:
            nlp = model.model
            self._more = {"distress": pattern_matching.build_matchers(nlp, DISTRESS_FILE),
                          "about_other": pattern_matching.build_matchers(nlp, DISTRESS_FILE, "about_other")}
            for section in CONTEXT_SECTIONS:
                self._more[section] = pattern_matching.build_matchers(nlp, CONTEXT_FILE, section)
        return self._more

    def triage(self, message: Message, model: SpacyModel) -> Dict[str, Any]:
        text = message.get(TEXT) or ""
        doc = message.get(SPACY_DOCS[TEXT]) or (model.model(text) if text else None)
        if doc is None:
            return {"tier": NONE}
        matchers = self.more_matchers(model)
        context = Context(doc, {s: _spans(doc, matchers[s]) for s in CONTEXT_SECTIONS})
        crisis_found, negated, downgraded, methods = {}, [], [], set()
        for kind, span in crisis_spans(doc, *self.matchers(model)):
            # method-seeking and voices giving orders are never only a topic
            verdict = context.judge(span, topic_counts=kind not in (METHOD, "voices"))
            if verdict == CRISIS:
                crisis_found.setdefault(reply_kind(kind), span)
                methods.add(kind)
            elif verdict == DISTRESS:
                downgraded.append(span)
            elif verdict == NEGATED:
                negated.append(span)
        if METHOD in methods:
            crisis_found.pop("overdose_now", None)  # "how many would it take": not happening now
        overdose = crisis_found.get("overdose_now")
        if overdose is not None and context.in_sentence_of(overdose, "recent_past"):
            # "took a bunch of pills on friday": an attempt days ago, not an overdose now
            crisis_found.setdefault("recent_attempt", crisis_found.pop("overdose_now"))
        classifier = self.classifier_says(message, context)
        if classifier == DISTRESS and context.found["hint_overdose_now"] and not crisis_found:
            # a drug taken and a body going under ("heavy", "can't stay awake"): whatever
            # the classifiers' doubt, the steps for an overdose come first
            classifier = CRISIS
        if crisis_found or classifier == CRISIS:
            spans = list(crisis_found.values())
            hinted = [k for k in KIND_HINTS if context.found[f"hint_{k}"]][:1]
            guess = self.guessed(message)
            own = [s for k, s in crisis_found.items() if k in SELF_DIRECTED]
            other = about_other(doc, spans, matchers["about_other"], own) or (
                not spans and guess.get("about_other", False))
            kinds = sorted(crisis_found) or hinted or guess.get("kinds") or ["classifier"]
            emergency = hinted if set(hinted) & set(EMERGENCY_GUESSES) else [guess.get("emergency_kind")]
            if crisis_found and set(crisis_found) <= TALK_FIRST_KINDS and emergency[0]:
                # "the voice keeps saying I need to jump", "got a blade and I know when he's
                # alone": suicide or self-harm wording, but the voices (or the threat to someone)
                # decide what help comes first
                kinds = sorted(kinds + emergency)
            return {
                "tier": CRISIS,
                "kinds": kinds,
                "matches": [crisis_found[k].text for k in sorted(crisis_found)],
                "classifier": classifier == CRISIS,
                # "asking for a friend" about a method: the writer may be the one at risk
                "about_other": METHOD not in methods and other,
            }
        distress = {}
        for kind, span in pattern_matching.matches(doc, *matchers["distress"]):
            # "I just feel numb, is that PTSD?": a symptom asked about gets the symptoms answer;
            # hopelessness or a wish to be dead is asked about whatever the question
            symptom = kind in SYMPTOM_KINDS or any(t.lower_ in SYMPTOM_WORDS for t in span)
            if symptom and context.in_sentence_of(span, "symptom_question"):
                continue
            # a wish to be dead, or no hope, is asked about even inside a question ("is it
            # normal to think about death all day?")
            if context.judge(span, topic_counts=kind not in ASKED_IN_ANY_QUESTION) in (CRISIS, DISTRESS):
                distress.setdefault(kind, span)
        if downgraded:
            distress.setdefault("past_or_topic", downgraded[0])
        if classifier == DISTRESS:
            distress.setdefault("classifier", None)
        if not distress:
            return {"tier": NONE}
        found = [s for s in distress.values() if s is not None]
        return {
            "tier": DISTRESS,
            "kinds": sorted(distress),
            "matches": [s.text for s in found],
            "about_other": about_other(doc, found, matchers["about_other"]),
        }

    def guessed(self, message: Message) -> Dict[str, Any]:
        """The kind classifier's guess (addons/crisis_kind.py) where it is sure enough: a
        kind, and whether the person at risk is someone else."""
        guess = message.get(KIND_GUESS) or {}
        kinds = guess.get("kinds") or {}
        best = max(kinds, key=kinds.get) if kinds else None
        return {
            "kinds": [best] if best and kinds[best] >= float(self.config["kind_threshold"]) else [],
            "about_other": float(guess.get("about_other") or 0) >= float(self.config["about_other_threshold"]),
            # where suicide wording matched, a sure guess of a kind whose help comes first
            "emergency_kind": best if best in EMERGENCY_GUESSES
            and kinds[best] >= float(self.config["emergency_kind_threshold"]) else None,
        }

    def crisis_probability(self, message: Message) -> float:
        """DIET's crisis confidence blended with the risk classifier's, which moves less
        between trainings (addons/risk_classifier.py)."""
        diet = _confidence(message, CRISIS_INTENT)
        scores = message.get(SCORES)
        if not scores:
            return diet
        weight = float(self.config["scores_weight"])
        return (1 - weight) * diet + weight * float(scores.get(CRISIS) or 0)

    def classifier_says(self, message: Message, context: "Context") -> str:
        """The classifiers' view: the crisis probability and DIET's distress intent, where
        the context lets them count (Context.classifier_may_count)."""
        config = self.config
        if not context.classifier_may_count(DISTRESS):
            return NONE
        crisis = self.crisis_probability(message)
        blended = bool(message.get(SCORES))
        sure = crisis >= float(config["crisis_threshold" if blended else "diet_crisis_threshold"])
        # a DIET crisis the blend outvotes is still asked about beside a risk word
        unsure = (crisis >= float(config["uncertain_crisis_threshold"])
                  or _confidence(message, CRISIS_INTENT) >= float(config["diet_uncertain_threshold"]))
        # A sure crisis counts as it stands: preparation ("sorted out who gets the dog") and
        # a means at hand ("sitting with dad's .22") carry no risk word. An unsure one is
        # asked about only beside a risk word ("book me a table for dinner tonight" shares
        # "tonight" with many crisis lines).
        if sure and not context.denied():
            return CRISIS
        if ((unsure and context.classifier_may_count(CRISIS))
                or _confidence(message, DISTRESS_INTENT) >= float(config["distress_threshold"])):
            return DISTRESS
        return NONE

    def _clear_risk_intent(self, message: Message) -> None:
        """The triage decides the risk intents: where it found none, DIET's `crisis` or
        `distress` (a figure of speech, a topic question) gives way to the next intent, or
        to the fallback's clarifying question when that one is unsure too."""
        intent = message.get(INTENT) or {}
        if intent.get("name") not in (CRISIS_INTENT, DISTRESS_INTENT):
            return
        ranking = [i for i in message.get(INTENT_RANKING_KEY) or []
                   if i.get("name") not in (CRISIS_INTENT, DISTRESS_INTENT, FALLBACK_INTENT)]
        # DIET's choice among the other intents, given that the message is no risk: its
        # confidences renormalised without the risk intents ("book me a table for dinner
        # tonight": crisis 0.97, out_of_scope 0.03, so out_of_scope 0.97 of the rest). Below
        # `min_rest` what is left is noise, and the topic selector decides.
        rest = sum(float(i.get("confidence") or 0) for i in ranking)
        chosen = {"name": ranking[0]["name"], "confidence": float(ranking[0].get("confidence") or 0) / rest} \
            if ranking and rest >= float(self.config["min_rest"]) else None
        threshold = float(self.config["fallback_threshold"])
        if chosen is None or chosen["confidence"] < threshold:
            # DIET took a treatment question for a risk ("where can I get help for my drinking?"):
            # the topic selector's own confidence decides, and the FAQ action asks if it is low
            topic = ((message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(FAQ_INTENT) or {}).get("response") or {}
            faq = float(topic.get("confidence") or 0)
            chosen = ({"name": FAQ_INTENT, "confidence": faq} if faq >= threshold
                      else {"name": FALLBACK_INTENT, "confidence": threshold})
        pattern_matching.override_intent(message, chosen["name"], chosen["confidence"])

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            risk = self.triage(message, model)
            if risk["tier"] == NONE:
                self._clear_risk_intent(message)
                continue
            message.set(RISK, risk, add_to_output=True)
            if risk["tier"] == CRISIS:
                legacy = {k: risk[k] for k in ("kinds", "matches", "classifier")}
                message.set(CRISIS_ENTRY, legacy, add_to_output=True)
                pattern_matching.override_intent(message, CRISIS_INTENT)
            else:
                pattern_matching.override_intent(message, DISTRESS_INTENT)
        return messages

