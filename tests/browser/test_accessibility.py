"""WCAG 2.1 AA for the chat: axe-core finds nothing serious, the keyboard does
everything, and the page reflows on a phone and at 200% zoom."""
import pytest
from axe_playwright_python.sync_playwright import Axe

import content
from tests.browser.conftest import DESKTOP, MOBILE

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def serious_violations(page) -> list:
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_axe_finds_no_serious_or_critical_violations(browser, chat_url, size):
    context = browser.new_context(viewport=DESKTOP if size == "desktop" else MOBILE)
    try:
        page = context.new_page()
        page.goto(chat_url)
        page.locator("#send-form").wait_for()
        assert serious_violations(page) == [], "empty page"
        for text in ("hello", "are opioids used for ptsd?", "I want to end my life"):
            before = page.locator("#log .msg-bot").count()
            page.fill("#message", text)
            page.press("#message", "Enter")
            page.wait_for_function("n => document.querySelectorAll('#log .msg-bot').length > n",
                                   arg=before, timeout=60000)
        page.locator("#typing").wait_for(state="hidden")
        page.locator("#help summary").click()
        page.fill("#message", "x" * 20001)
        page.press("#message", "Enter")
        page.locator("#message-error").wait_for()
        assert serious_violations(page) == [], "a conversation with every kind of message"
        page.fill("#message", "")
        # What the patient sees: the window on a desktop, the whole page on a phone.
        page.screenshot(path=str(_screens() / f"conversation-{size}.png"), full_page=size == "mobile")
    finally:
        context.close()


def _screens():
    from tests.browser.conftest import SCREENSHOTS
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {id: el.id, tag: el.tagName, text: el.textContent.trim(),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
    }""")


def tab_to(page, match, limit=20) -> list:
    """Press Tab until `match(focused)`; return every element focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if match(seen[-1]):
            return seen
    raise AssertionError(f"never reached by Tab: {seen}")


def test_keyboard_only_use(chat):
    page = chat.open().page
    seen = tab_to(page, lambda f: f["id"] == "message")
    assert all(f["outline"] for f in seen), f"focus not visible on: {seen}"
    assert any(f["text"] == "Start over" for f in seen)
    assert any(f["tag"] == "A" for f in seen), "the help links are reachable"
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    chat.wait_for_reply(0)
    # Back from the input to the quick replies, and choose one with the keyboard.
    page.keyboard.press("Shift+Tab")
    choice = focused(page)
    assert choice["tag"] == "BUTTON" and choice["outline"], choice
    before = page.locator("#log .msg-bot").count()
    page.keyboard.press("Enter")
    chat.wait_for_reply(before)
    assert page.locator("#log .msg-user").last.text_content() == f"You: {choice['text']}"
    assert len(chat.bot_texts()) > before
    # "Start over" by keyboard, from the input.
    page.focus("#message")
    seen = []
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        seen.append(focused(page))
        if seen[-1]["text"] == "Start over":
            break
    assert seen[-1]["text"] == "Start over", seen
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#log .msg-user').length === 0")


@pytest.mark.parametrize("viewport", [MOBILE, {"width": 640, "height": 400}],
                         ids=["360px", "200%-zoom"])
def test_page_reflows_without_sideways_scrolling(browser, chat_url, viewport):
    # 200% zoom of a 1280x800 window is a 640x400 CSS-pixel viewport.
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(chat_url)
        page.locator("#send-form").wait_for()
        page.fill("#message", "are opioids used for ptsd?")
        page.press("#message", "Enter")
        page.locator("#log .part-referral").wait_for(timeout=60000)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        assert page.locator("#help").is_visible()
        assert content.referral() in page.locator("#log").text_content()
        page.screenshot(path=str(_screens() / f"answer-{viewport['width']}px.png"), full_page=True)
    finally:
        context.close()
