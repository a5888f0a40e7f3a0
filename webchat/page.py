"""The chat page's HTML, with the help panel rendered from content/resources.yml.

The panel is in the HTML itself, not built by the script, so that a patient sees the
help lines even when JavaScript fails or the assistant is down.
"""
import html
import re
from functools import lru_cache
from pathlib import Path
from string import Template

import content
from addons.message_guard import MAX_MESSAGE_CHARS

TEMPLATE = Path(__file__).parent / "chat.html"
# Web addresses in resource texts, with or without a scheme. static/chat.js links bot
# messages with the same rule.
LINK = re.compile(r"\b(?:https?://)?(?:[a-z0-9-]+\.)+(?:org|com|net|gov|uk|ie)\b(?:/[^\s<>\"']*)?", re.I)
# A phone number must not break at its hyphens: "1-" on one line, "800-..." on the next.
HYPHENATED_NUMBER = re.compile(r"\b\d+(?:-\d+)+\b")


def _plain(text: str) -> str:
    return HYPHENATED_NUMBER.sub(r'<span class="nowrap">\g<0></span>', html.escape(text))


def linked(text: str) -> str:
    """`text` as HTML, with its web addresses as safe links."""
    parts, last = [], 0
    for match in LINK.finditer(text):
        url = match.group(0)
        href = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
        parts.append(_plain(text[last:match.start()]))
        parts.append(
            f'<a href="{html.escape(href)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(url)}</a>"
        )
        last = match.end()
    parts.append(_plain(text[last:]))
    return "".join(parts)


def _item(key: str) -> str:
    item = content.resources()["resources"][key]
    how = content.emergency_number() if key == EMERGENCY else item["how"]
    return (
        f'<li data-resource="{html.escape(key)}"><strong>{html.escape(item["name"])}</strong>: '
        f"{linked(how)}</li>"
    )


EMERGENCY = "emergency"


def help_panel() -> str:
    """The region's emergency number and lines first (ASSISTANT_REGION), the rest folded."""
    keys = [EMERGENCY] + content.crisis_resource_keys()
    others = [k for k in content.resources()["resources"] if k not in keys]
    more = ""
    if others:
        more = (
            "<details><summary>More help lines</summary>"
            f'<ul class="resources">{"".join(_item(k) for k in others)}</ul></details>'
        )
    return (
        f'<ul class="resources">{"".join(_item(k) for k in keys)}</ul>{more}'
        f'<p class="checked">Numbers checked {html.escape(str(content.resources()["checked"]))}.</p>'
    )


@lru_cache(maxsize=None)
def render_page() -> str:
    emergency = {"name": content.resources()["resources"][EMERGENCY]["name"], "how": content.emergency_number()}
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        help_panel=help_panel(),
        max_chars=MAX_MESSAGE_CHARS,
        max_chars_text=f"{MAX_MESSAGE_CHARS:,}",
        emergency=html.escape(f"{emergency['name']}: {emergency['how']}"),
    )
