"""The load benchmark says how fast the suggestion run wrote while the key presses were timed.

A run that stored little meanwhile would make the presses look quick; the rate is read off the run's own
progress reports, which come a task (several articles) at a time.
"""

from __future__ import annotations

import pytest

from bench.decisions_under_load import _stored_per_second


def test_the_rate_spans_the_reports_around_the_timed_presses() -> None:
    reports = [(1.0, 8), (2.0, 16), (3.0, 24), (4.0, 32), (5.0, 40)]
    # Presses from 2.5 to 3.5 s: from the report at 2.0 (16 stored) to the one at 4.0 (32 stored).
    assert _stored_per_second(reports, 2.5, 3.5) == pytest.approx(8.0)
    # A run cancelled right after the presses reports nothing later: its last report closes the span.
    assert _stored_per_second(reports, 2.5, 6.0) == pytest.approx(24 / 3)


def test_too_few_reports_give_no_rate() -> None:
    assert _stored_per_second([], 1.0, 2.0) is None
    assert _stored_per_second([(1.0, 8)], 1.5, 2.0) is None  # one report: no span
    assert _stored_per_second([(3.0, 8)], 1.5, 2.0) is None  # nothing stored before the presses began
