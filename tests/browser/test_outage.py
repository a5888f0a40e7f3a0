"""The assistant stops: the page says so, keeps help in view, and recovers by itself."""
import content


def test_assistant_stopped_shows_help_and_recovers(mobile_chat, servers):
    page = mobile_chat.open().page
    mobile_chat.send("what is ptsd?")
    servers.stop_rasa()
    try:
        page.fill("#message", "what is cbt?")
        page.press("#message", "Enter")
        problem = page.locator("#problem")
        problem.wait_for(timeout=60000)
        page.locator("#typing").wait_for(state="hidden")
        text = problem.text_content()
        assert "can't reach the assistant" in text
        assert content.emergency_number() in text
        assert page.locator("#message").input_value() == "what is cbt?", "the message is kept"
        assert "what is cbt?" not in page.locator("#log").text_content()
        mobile_chat.screenshot("outage-mobile")
        problem.get_by_role("link", name="See all the help lines").click()
        assert page.locator("#help").is_visible()
        assert page.evaluate("document.getElementById('help').getBoundingClientRect().top") >= 0
        assert page.evaluate("document.activeElement.id") == "help"
    finally:
        servers.start_rasa()
    # The page's background retry notices the assistant is back.
    page.wait_for_function(
        "() => document.getElementById('problem').classList.contains('recovered')", timeout=90000)
    mobile_chat.send(page.locator("#message").input_value())
    topic = content.faq_topics()["what_is_cbt"]
    assert content.answer_text(topic) in mobile_chat.bot_texts()
