"""The embedding snippet in docs/website-chat.md, put into a host page, brings up a working chat."""
import re

from tools.servers import ROOT

PLACEHOLDER = "https://assistant.example.org"


def readme_snippet() -> str:
    readme = (ROOT / "docs" / "website-chat.md").read_text(encoding="utf-8")
    return re.search(r"```html\n(.*?)```", readme, re.S).group(1)


def test_readme_snippet_embeds_a_working_chat(chat, chat_url):
    origin = chat_url.split("/chat/")[0]
    snippet = readme_snippet()
    assert snippet.count("<script") == 1 and snippet.count("<div") == 1
    # A host page on the assistant's own origin: the default CORS_ORIGINS lets only it
    # frame the chat (a foreign host needs its origin added).
    host = f"{origin}/example-host-page.html"
    html = f"<!doctype html><title>Clinic</title><h1>Clinic</h1>{snippet.replace(PLACEHOLDER, origin)}"
    chat.page.route(host, lambda route: route.fulfill(content_type="text/html", body=html))
    chat.page.goto(host)
    frame = chat.page.frame_locator("iframe[title='PTSD information assistant chat']")
    frame.locator("#send-form").wait_for()
    chat.page.locator("[data-ptsd-assistant-chat] > a").wait_for(state="detached")
    frame.locator("#message").fill("what is ptsd?")
    frame.locator("#message").press("Enter")
    frame.locator("#log .part-referral").wait_for(timeout=60000)
    assert frame.locator("#help").is_visible()
