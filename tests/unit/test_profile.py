"""The profile's sums: py-spy's collapsed stacks, and each sample put under one step."""
from tools.profile import read_collapsed, step_shares

RAW = """\
process 1:"rasa run";handle (sanic/app.py:10);save (transcripts/tracker_store.py:80);redact (transcripts/redaction.py:143) 30
process 1:"rasa run";handle (sanic/app.py:10);save (transcripts/tracker_store.py:80);execute (sqlalchemy/engine/base.py:5) 20
process 1:"rasa run";handle (sanic/app.py:10);process (rasa/nlu/classifiers/diet_classifier.py:9);call (tensorflow/python/eager/function.py:1) 40
process 1:"rasa run";run (asyncio/base_events.py:1) 10
not a stack line
"""


def test_collapsed_stacks_are_read_outermost_frame_first_with_their_counts():
    stacks = list(read_collapsed(RAW))
    assert len(stacks) == 4
    frames, count = stacks[0]
    assert count == 30 and frames[0].startswith("process 1") and frames[-1].startswith("redact ")


def test_each_sample_counts_once_under_the_first_step_it_reached():
    shares = step_shares(read_collapsed(RAW))
    # TensorFlow under DIET is DIET's; SQL under the store is the store's; redaction outranks both.
    assert shares == {"DIET (intent)": 40.0, "redaction": 30.0, "tracker store: SQL": 20.0,
                      "other": 10.0}


def test_no_samples_no_shares():
    assert step_shares(read_collapsed("")) == {}
