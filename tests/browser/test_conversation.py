"""A patient's conversation on the chat page, checked against the curated content."""
from playwright.sync_api import expect

import content
from actions.warnings import warnings_for
from tests.safety import has_crisis_resources


def test_treatment_question_shows_answer_with_warning_and_referral(chat):
    topic = content.faq_topics()["opioids_for_ptsd"]
    chat.open().send("are opioids used for ptsd?")
    page = chat.page
    answer = page.locator("#log .msg-bot").first
    assert answer.locator(".text").text_content() == content.answer_text(topic)
    # one "Safety note" bubble holds every warning; "opioids" is an opioid entity
    note = content.safety_note(warnings_for(topic["warnings"], {"opioid"}))
    assert page.locator("#log .part-warning").all_text_contents() == [note]
    # the page shows the "Safety note: " the text starts with once, as the bubble's label
    label = page.locator("#log .part-warning .label").first.text_content()
    assert label.startswith("Safety note")
    assert page.locator("#log .part-warning .text").all_text_contents() == [note[len(label):]]
    assert chat.bot_texts()[-1] == content.referral()
    chat.screenshot("answer-desktop")


def test_crisis_message_shows_the_crisis_resources(mobile_chat):
    mobile_chat.open().send("I want to end my life")
    page = mobile_chat.page
    first = page.locator("#log .msg-bot").first
    assert "part-crisis" in first.get_attribute("class")
    assert has_crisis_resources(first.locator(".text").text_content())
    assert page.locator("#help").is_visible()
    mobile_chat.screenshot("crisis-mobile")


def test_help_panel_lists_every_resource_from_the_one_file(chat):
    chat.open()
    panel = chat.page.locator("#help")
    chat.page.locator("#help summary").click()  # "More help lines"
    for key, item in content.resources()["resources"].items():
        line = panel.locator(f'[data-resource="{key}"]')
        assert line.is_visible(), key
        # the emergency number is the region's (ASSISTANT_REGION; the international list here)
        how = content.emergency_number() if key == "emergency" else item["how"]
        assert line.text_content() == f"{item['name']}: {how}"
    for link in panel.locator("a").all():
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("rel") == "noopener noreferrer"
    assert "automated assistant" in chat.page.locator("#notice").text_content()
    assert "not medical advice" in chat.page.locator("#notice").text_content()


def test_quick_reply_buttons_send_their_payload(chat):
    chat.open().send("hello")
    page = chat.page
    choice = page.get_by_role("button", name="What is PTSD?")
    before = page.locator("#log .msg-bot").count()
    choice.click()
    chat.wait_for_reply(before)
    assert page.locator("#log .msg-user").last.text_content() == "You: What is PTSD?"
    topic = content.faq_topics()["what_is_ptsd"]
    assert content.answer_text(topic) in chat.bot_texts()


def test_reload_keeps_the_conversation(chat):
    chat.open().send("what is cbt?")
    before = [m.text_content() for m in chat.messages()]
    assert len(before) >= 3
    chat.page.reload()
    chat.page.locator("#send-form").wait_for()
    assert [m.text_content() for m in chat.messages()] == before
    # The same conversation goes on: the server still knows the sender.
    sender = chat.page.evaluate("sessionStorage.getItem('ptsd-chat:sender')")
    chat.send("thank you")
    assert sender == chat.page.evaluate("sessionStorage.getItem('ptsd-chat:sender')")


def test_start_over_clears_the_conversation_and_starts_a_new_one(chat, servers):
    chat.open().send("what is ptsd?")
    old_sender = chat.page.evaluate("sessionStorage.getItem('ptsd-chat:sender')")
    chat.page.get_by_role("button", name="Start over").click()
    chat.page.wait_for_function("() => document.querySelectorAll('#log .msg-user').length === 0")
    chat.page.locator("#log .msg-bot").first.wait_for()  # the assistant's "let's start again"
    expect(chat.page.locator("#message")).to_be_focused()
    chat.send("what is cbt?")
    new_sender = chat.page.evaluate("sessionStorage.getItem('ptsd-chat:sender')")
    assert new_sender and new_sender != old_sender
    assert any(kind == "restart" for kind, _ in servers.events(old_sender))
    chat.page.reload()
    chat.page.locator("#send-form").wait_for()
    assert "what is ptsd?" not in chat.page.locator("#log").text_content()
