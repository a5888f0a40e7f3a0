"""The website chat's server side: the page's help panel, links, replies and settings."""
import asyncio
import subprocess

import content
from tools.servers import ROOT
from webchat.channel import ReplyCollector, security_headers
from webchat.page import linked, render_page


def test_every_resource_is_in_the_page_as_written_in_resources_yml():
    page = render_page()
    for key, item in content.resources()["resources"].items():
        assert f'data-resource="{key}"' in page
        assert f"<strong>{item['name'].replace('&', '&amp;')}</strong>" in page


def test_links_are_escaped_https_and_safe():
    html = linked('see <b>x</b> at findahelpline.com or http://a.org/"x')
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<a href="https://findahelpline.com" target="_blank" rel="noopener noreferrer">' in html
    assert 'href="http://a.org/"' in html


def test_replies_keep_text_buttons_and_part_but_not_review_metadata():
    collector = ReplyCollector()
    asyncio.run(collector.send_response("me", {
        "text": "answer", "part": "answer", "review": {"confidence": 0.9},
        "buttons": [{"title": "T", "payload": "P"}],
    }))
    asyncio.run(collector.send_response("me", {"text": "x", "part": "<script>"}))
    assert collector.messages == [
        {"text": "answer", "buttons": [{"title": "T", "payload": "P"}], "part": "answer"},
        {"text": "x"},
    ]


def test_page_policy_forbids_inline_script_and_framing_by_other_sites(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:5005 https://clinic.example *")
    policy = security_headers("/chat/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert policy.endswith("frame-ancestors 'self' http://localhost:5005 https://clinic.example")


def test_make_run_allows_only_its_own_origin_by_default():
    dry_run = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin"}, check=True).stdout
    cors = dry_run.split("--cors", 1)[1].splitlines()[0].split()
    assert cors == ["http://localhost:5005"]


def test_the_help_panel_leads_with_the_regions_number_and_lines(monkeypatch):
    from webchat.page import help_panel

    monkeypatch.setenv("ASSISTANT_REGION", "UK")
    panel = help_panel()
    first_list = panel.split("</ul>")[0]
    keys = [part.split('"')[0] for part in first_list.split('data-resource="')[1:]]
    assert keys == ["emergency", "samaritans", "shout", "nhs_111"]
    assert "Emergency services</strong>: 999</li>" in first_list
