"""Conversations written through the real redacting tracker store, for the review tests:
one of each kind the review pages tell apart, at known times."""
import asyncio
import datetime as dt

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from transcripts.tracker_store import RedactingSQLTrackerStore

DAY = dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone.utc).timestamp()


def _user(text, intent, confidence, at, runner_up=("greet", 0.1), crisis=None, entities=(), risk=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence},
             "intent_ranking": [{"name": intent, "confidence": confidence},
                                {"name": runner_up[0], "confidence": runner_up[1]}],
             "entities": list(entities)}
    if crisis:
        parse["crisis"] = {"kinds": crisis, "matches": []}
    if risk:  # the NLU pipeline's risk entry: {"tier", "kinds", "about_other"}
        parse["risk"] = risk
    return UserUttered(text, intent=parse["intent"], entities=parse["entities"], parse_data=parse,
                       input_channel="rest", timestamp=at)


def _answer(topic, at, warnings=("general_information",), referral=True):
    events = [ActionExecuted("action_answer_faq", timestamp=at),
              BotUttered("Answer about " + topic, timestamp=at, metadata={
                  "part": "answer", "review": {"topic": topic, "citation": "NICE NG116",
                                               "warnings": list(warnings), "confidence": 0.9}})]
    events += [BotUttered("Warning " + w, timestamp=at, metadata={"part": "warning", "warning_id": w})
               for w in warnings]
    if referral:
        events.append(BotUttered("Talk to your doctor.", timestamp=at, metadata={"part": "referral"}))
    return events


def conversations(day: float = DAY):
    """sender id -> events; each conversation starts one hour after the one before."""
    at = lambda n, minute=0: day + n * 3600 + minute * 60
    return {
        "faq-ok": [ActionExecuted("action_listen", timestamp=at(0)),
                   _user("what is cbt? mail me at sam@example.org", "faq", 0.93, at(0)),
                   *_answer("therapy/cbt", at(0)),
                   _user("and emdr", "faq", 0.88, at(0, 2)), *_answer("therapy/emdr", at(0, 2))],
        "crisis-1": [_user("i want to end my life, call 07700 900123", "crisis", 1.0, at(1), crisis=["suicide"],
                           risk={"tier": "crisis", "kinds": ["suicide"], "about_other": False}),
                     SlotSet("crisis_flag", True, timestamp=at(1)),
                     ActionExecuted("action_crisis", timestamp=at(1)),
                     BotUttered("Call or text 988.", timestamp=at(1),
                                metadata={"part": "crisis", "review": {"crisis": True, "kinds": ["suicide"]}})],
        "low-conf": [_user("hmm the thing with the stuff", "nlu_fallback", 0.31, at(2)),
                     ActionExecuted("action_clarify", timestamp=at(2)),
                     BotUttered("Sorry, I'm not sure I understood.", timestamp=at(2), metadata={
                         "part": "answer", "review": {"topic": None, "fallback": "low_intent_confidence",
                                                      "confidence": 0.31, "warnings": ["general_information"]}})],
        "unwarned": [_user("is sertraline safe", "faq", 0.9, at(3),
                           entities=[{"entity": "drug", "value": "sertraline"}]),
                     *_answer("medication/ssri", at(3), warnings=(), referral=False)],
        "failure": [_user("what are the symptoms", "faq", 0.95, at(4)),
                    ActionExecuted("action_answer_faq", timestamp=at(4)),
                    BotUttered("Sorry, I can't answer right now.", timestamp=at(4),
                               metadata={"part": "answer", "fallback": "action failed"})],
    }


def risk_conversations(day: float = DAY):
    """Conversations with the pipeline's risk entry, on the day after `conversations`:
    distress in two saves (the second must read the stored risk labels back as risk),
    distress about someone else, and a crisis about someone else; the assistant answers
    distress with a check-in marked {"distress": true}."""
    at = lambda n, minute=0: day + 86400 + n * 3600 + minute * 60
    distress = lambda kinds, about_other=False: {"tier": "distress", "kinds": kinds, "about_other": about_other}
    check_in = lambda when: [ActionExecuted("action_distress_check_in", timestamp=when),
                             BotUttered("Are you having thoughts of suicide?", timestamp=when,
                                        metadata={"part": "check_in", "review": {"distress": True}})]
    return {
        "distress-1": [_user("i feel like a burden to everyone", "distress", 1.0, at(0), risk=distress(["burden"])),
                       *check_in(at(0)),
                       _user("no, it all just feels hopeless", "distress", 1.0, at(0, 1),
                             risk=distress(["hopelessness"])),
                       *check_in(at(0, 1)),
                       _user("i am safe, what is cbt", "faq", 0.9, at(0, 2)), *_answer("therapy/cbt", at(0, 2))],
        # "tier": "none" is an ordinary message; a kind that is not [a-z_] is never stored
        "distress-other": [_user("my son says nobody would notice if he was gone", "distress", 1.0, at(1),
                                 risk=distress(["isolation", "Not A Kind", "x" * 33], about_other=True)),
                           *check_in(at(1)),
                           _user("ok", "affirm", 0.9, at(1, 1), risk={"tier": "none"})],
        "overdose-other": [_user("my friend took all his pills", "crisis", 1.0, at(2), crisis=["overdose"],
                                 risk={"tier": "crisis", "kinds": ["overdose_now"], "about_other": True}),
                           SlotSet("crisis_flag", True, timestamp=at(2)),
                           ActionExecuted("action_crisis", timestamp=at(2)),
                           BotUttered("Call emergency services now.", timestamp=at(2),
                                      metadata={"part": "crisis", "review": {"crisis": True}})],
    }


def store_for(url: str) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=Domain.empty(), host=url)


def write(store: RedactingSQLTrackerStore, day: float = DAY, prefix: str = "", which=conversations) -> list:
    """Save each conversation turn by turn, as Rasa does after each message; return the ids."""
    senders = []
    for sender, events in which(day).items():
        sender = prefix + sender
        tracker = DialogueStateTracker(sender, slots=[])
        for index, event in enumerate(events):
            if isinstance(event, UserUttered) and index > 0:
                asyncio.run(store.save(tracker))
            tracker.update(event)
        asyncio.run(store.save(tracker))
        senders.append(sender)
    return senders
