from addons.message_guard import MAX_MESSAGE_CHARS, clean_text


def test_intent_shortcut_is_turned_into_plain_text():
    text, notes = clean_text("/greet I want to die")
    assert text == "greet I want to die"
    assert notes["intent_shortcut_removed"]


def test_shortcut_with_confidence_and_entities_is_plain_text_too():
    text, _ = clean_text('  //faq{"x": 1}@0.9')
    assert not text.startswith("/")


def test_restart_command_is_allowed():
    assert clean_text("/restart") == ("/restart", {})


def test_control_characters_are_removed_and_text_kept():
    text, _ = clean_text("what\x00 is\x1b ptsd\u200b?")
    assert "\x00" not in text and "\x1b" not in text and "ptsd" in text


def test_none_and_whitespace_become_empty():
    assert clean_text(None)[0] == ""
    assert clean_text(" \n\t ")[0] == ""


def test_very_long_text_is_cut_and_noted():
    text, notes = clean_text("a" * (MAX_MESSAGE_CHARS + 5))
    assert len(text) == MAX_MESSAGE_CHARS
    assert notes["truncated_from_chars"] == MAX_MESSAGE_CHARS + 5


def test_ordinary_text_is_unchanged():
    assert clean_text("Are opioids used for PTSD? 🙂") == ("Are opioids used for PTSD? 🙂", {})


def test_a_huge_text_is_cut_before_it_is_normalised(monkeypatch):
    # normalising 100 MB first stalled every patient on the event loop
    import unicodedata

    from addons import message_guard

    seen, normalize = [], unicodedata.normalize
    monkeypatch.setattr(message_guard.unicodedata, "normalize",
                        lambda form, text: seen.append(len(text)) or normalize(form, text))
    clean_text("1 2 3 " * MAX_MESSAGE_CHARS)
    assert seen and max(seen) <= MAX_MESSAGE_CHARS
