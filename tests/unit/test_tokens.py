"""Token snapping and one-token resizing (annotator.core.tokens)."""

from __future__ import annotations

import pytest

from annotator.core.tokens import Tokens, snap_to_tokens, tokenize

TEXT = 'Mr. Abe said: "Japan\'s islands" 🇯🇵 now.'


def test_tokenize_words_and_single_punctuation() -> None:
    words = [TEXT[s:e] for s, e in tokenize(TEXT)]
    assert words[:6] == ["Mr", ".", "Abe", "said", ":", '"']
    assert "Japan" in words and "'" in words and "s" in words
    assert words[-1] == "."


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (5, 6, "Abe"),  # inside a word -> whole word
        (3, 9, "Abe said"),  # leading space trimmed, partial word widened
        (4, 7, "Abe"),
        (0, 2, "Mr"),
        (3, 4, None),  # only a space
    ],
)
def test_snap(start: int, end: int, expected: str | None) -> None:
    snapped = snap_to_tokens(TEXT, start, end)
    if expected is None:
        assert snapped is None
    else:
        assert snapped is not None
        assert TEXT[snapped[0] : snapped[1]] == expected


def test_snap_reversed_and_caret() -> None:
    tokens = Tokens(TEXT)
    assert tokens.snap(9, 3) == tokens.snap(3, 9)
    caret = tokens.snap(5, 5)
    assert caret is not None and TEXT[caret[0] : caret[1]] == "Abe"


def test_snap_with_emoji_is_code_points() -> None:
    text = "🙂 Putin"
    snapped = snap_to_tokens(text, 3, 4)
    assert snapped == (2, 7)


def test_extend_and_shrink() -> None:
    tokens = Tokens("Prime Minister Shinzo Abe said")
    assert tokens.extend_end(15, 21) == (15, 25)  # "Shinzo" -> "Shinzo Abe"
    assert tokens.shrink_end(15, 25) == (15, 21)
    assert tokens.shrink_end(15, 21) == (15, 21)  # never below one token
    assert tokens.extend_start(15, 25) == (6, 25)  # "Minister Shinzo Abe"
    assert tokens.shrink_start(6, 25) == (15, 25)
    assert tokens.shrink_start(22, 25) == (22, 25)
    assert tokens.extend_end(26, 30) == (26, 30)  # end of text
    assert tokens.extend_start(0, 5) == (0, 5)  # start of text
    assert len(tokens) == 5
