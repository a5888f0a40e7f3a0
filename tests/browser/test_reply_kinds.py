"""One reply of each kind on a 360 px phone, as a patient sees it (the screenshots in
docs/website-chat.md).

Each first message is checked for what its kind promises before the page is captured.
"""
import pytest

import content
from content.dose import find_dose
from tests.safety import first_message_fits

CRISES = [
    ("overdose-now", "my friend took a load of her pills with vodka and now she won't wake up", ["overdose_now"], True),
    ("harm-others", "I'm going to stab my neighbour tonight, I've got the knife ready", ["harm_others"], False),
    ("suicide", "I've decided to kill myself this weekend", ["suicide"], False),
]


@pytest.mark.parametrize("name, text, kinds, about_other", CRISES, ids=[c[0] for c in CRISES])
def test_a_crisis_reply_opens_with_the_help_for_its_kind(mobile_chat, name, text, kinds, about_other):
    mobile_chat.open().send(text)
    first = mobile_chat.page.locator("#log .msg-bot").first
    assert "part-crisis" in first.get_attribute("class")
    assert first_message_fits(kinds, about_other, first.locator(".text").text_content())
    mobile_chat.screenshot(f"reply-crisis-{name}-360px")


def test_a_faq_answer_fits_a_phone(mobile_chat):
    topic = content.faq_topics()["what_is_cbt"]
    mobile_chat.open().send("what is cbt")
    texts = mobile_chat.bot_texts()
    assert texts[0] == content.answer_text(topic)
    assert texts[-1] == content.referral()
    mobile_chat.screenshot("reply-faq-360px")


def test_a_medication_safety_reply_names_the_risk_and_no_dose(mobile_chat):
    mobile_chat.open().send("how many mg of oxycodone can i take at once")
    texts = mobile_chat.bot_texts()
    assert texts[0].startswith("I can't tell you how much to take")
    assert not any(find_dose(t) for t in texts)
    assert texts[-1] == content.medication_referral()
    mobile_chat.screenshot("reply-medication-360px")
