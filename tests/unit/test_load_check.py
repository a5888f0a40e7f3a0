"""The load generator's checks (tools/load.py) catch each kind of loss they are there for:
on made-up conversations, so that a passing scale test means something."""
import content
from tools.load import Instances, Turn, check, conversations, reply_problem, slope

TOPIC = "what_is_ptsd"


def _answered(sender, index, kind=f"faq:{TOPIC}", failed_over=False):
    topic = content.faq_topics()[TOPIC]
    texts = [content.answer_text(topic), content.safety_note(topic["warnings"]),
             content.referral()]
    text = topic["heldout"][0] if kind.startswith("faq") else "hi there"
    return Turn(sender, index, f"{text} {index}", kind, instance=0,
                replies=[{"text": t} for t in texts], failed_over=failed_over)


def _stored(turn):
    return {"user": turn.text, "bot": turn.texts}


def _plan(count=3, **kwargs):
    return {"s-0": [_answered("s-0", i, **kwargs) for i in range(count)]}


def test_a_whole_conversation_stored_once_in_order_passes():
    plans = _plan()
    report = check(plans, {"s-0": [_stored(t) for t in plans["s-0"]]})
    assert report["problems"] == {} and report["stored_user_events"] == 3


def test_a_lost_turn_is_found():
    plans = _plan()
    turns = plans["s-0"]
    assert "lost turn" in check(plans, {"s-0": [_stored(turns[0]), _stored(turns[2])]})["problems"]


def test_a_duplicated_turn_is_found():
    plans = _plan()
    stored = [_stored(t) for t in plans["s-0"]] + [_stored(plans["s-0"][2])]
    assert check(plans, {"s-0": stored})["problems"] == {"duplicated or unexpected turn": 1}


def test_turns_out_of_order_are_found():
    plans = _plan()
    turns = plans["s-0"]
    stored = [_stored(turns[1]), _stored(turns[0]), _stored(turns[2])]
    assert "out of order" in check(plans, {"s-0": stored})["problems"]


def test_a_retried_turn_may_be_stored_twice_only_after_a_fail_over():
    for failed_over, problems in ((True, {}), (False, {"duplicated or unexpected turn": 1})):
        plans = _plan(count=1, failed_over=failed_over)
        turn = plans["s-0"][0]
        assert check(plans, {"s-0": [_stored(turn), _stored(turn)]})["problems"] == problems


def test_replies_stored_differently_from_those_received_are_found():
    plans = _plan(count=1)
    stored = [{"user": plans["s-0"][0].text, "bot": plans["s-0"][0].texts[:2]}]
    assert check(plans, {"s-0": stored})["problems"] == {"stored replies differ": 1}


def test_wrong_replies_are_found():
    turn = _answered("s-0", 0)
    assert reply_problem(turn) is None
    turn.replies = turn.replies[:1] + turn.replies[2:]
    assert reply_problem(turn) == "no warning"
    crisis = Turn("s-0", 1, "i want to kill myself", "crisis", replies=[{"text": "Sorry"}])
    assert reply_problem(crisis) == "crisis resources not first"
    crisis.replies = [{"text": m} for m in content.crisis_messages()]
    assert reply_problem(crisis) is None


def test_the_conversations_are_bounded_and_interleave_the_instances():
    plans = conversations(senders=5, messages=23, prefix="p")
    assert sum(len(t) for t in plans.values()) == 23 and len(plans) == 5
    instances = Instances(["a", "b"])
    assert [instances.pick(0, i) for i in range(4)] == [0, 1, 0, 1]
    instances.dead.add(0)
    assert {instances.pick(0, i) for i in range(4)} == {1}


def test_slope():
    assert slope([(0, 1.0), (60, 2.0), (120, 3.0)]) * 60 == 1.0
