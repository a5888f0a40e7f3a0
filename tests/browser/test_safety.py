"""What the page must never do: run what a message holds, take oversize input
silently, load from other sites, or open the assistant to other origins."""
import requests

from addons.message_guard import MAX_MESSAGE_CHARS

XSS = "<img src=x onerror=alert(1)>"


def test_xss_payload_is_shown_as_text_and_nothing_runs(chat):
    chat.open().send(XSS)
    page = chat.page
    assert page.locator("#log .msg-user .text").first.text_content() == XSS
    assert page.locator("#log img").count() == 0
    assert page.locator("#log .msg-bot").count() >= 1
    page.reload()
    page.locator("#send-form").wait_for()
    assert page.locator("#log .msg-user .text").first.text_content() == XSS
    assert page.locator("#log img").count() == 0
    assert chat.dialogs == []


def test_links_in_bot_messages_are_https_and_safe(chat):
    chat.open().send("I want to end my life")
    links = chat.page.locator("#log .msg-bot a").all()
    assert links, "the crisis reply names 988lifeline.org and findahelpline.com"
    for link in links:
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("target") == "_blank"


def test_input_over_the_server_limit_is_stopped_with_a_message(chat):
    page = chat.open().page
    page.fill("#message", "a" * (MAX_MESSAGE_CHARS + 1))
    page.press("#message", "Enter")
    error = page.locator("#message-error")
    assert error.is_visible()
    assert f"{MAX_MESSAGE_CHARS:,}" in error.text_content()
    assert page.locator("#message").get_attribute("aria-invalid") == "true"
    assert page.locator("#log .msg").count() == 0, "nothing was sent"
    page.fill("#message", "a" * MAX_MESSAGE_CHARS)
    assert not error.is_visible()


def test_every_asset_comes_from_the_assistant_itself(chat, chat_url):
    origin = chat_url.split("/chat/")[0]
    requested = []
    chat.page.on("request", lambda request: requested.append(request.url))
    chat.open().send("what is ptsd?")
    assert requested and all(url.startswith(origin + "/") for url in requested), requested


def test_security_headers_forbid_inline_script(chat_url):
    headers = requests.get(chat_url, timeout=10).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_cors_allows_only_the_assistants_own_origin(servers, chat_url):
    origin = f"http://localhost:{servers.rasa_port}"
    for url in (servers.webhook, chat_url.rstrip("/") + "/webhook"):
        foreign = requests.options(url, timeout=10, headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in foreign.headers
        own = requests.options(url, timeout=10, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert own.headers.get("Access-Control-Allow-Origin") == origin

