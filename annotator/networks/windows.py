"""Moving time windows: one network per window, all on the same nodes so a drawing can step through them."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from annotator.networks.build import Network, _nodes, build_network, prepare
from annotator.networks.options import NetworkOptions, WindowOptions, WindowUnit
from annotator.networks.statements import StatementSet


def shift(day: date, unit: WindowUnit, amount: int) -> date:
    """``day`` moved by ``amount`` units (a month shift keeps the day, clamped to the month's length)."""
    if unit == WindowUnit.DAYS:
        return day + timedelta(days=amount)
    if unit == WindowUnit.WEEKS:
        return day + timedelta(weeks=amount)
    months = amount * (12 if unit == WindowUnit.YEARS else 1)
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_bounds(first: date, last: date, window: WindowOptions) -> list[tuple[date, date]]:
    """Windows ``[start, start + size units)`` (as inclusive dates), from ``first`` on, ``step`` units apart,
    until one reaches past ``last``; at least one window."""
    bounds = []
    start = first
    while True:
        end = shift(start, window.unit, window.size) - timedelta(days=1)
        bounds.append((start, end))
        if end >= last:
            return bounds
        start = shift(start, window.unit, window.step)
        if start > last:
            return bounds


def build_windows(data: StatementSet, options: NetworkOptions, window: WindowOptions) -> list[Network]:
    """One network per time window within the date range (statements of undated articles are left out).

    Every window has the nodes of the whole range (with isolates: every node of the statements), so positions in
    a drawing stay put while the ties change.
    """
    dated = [s for s in prepare(data, options) if s.date is not None]
    if not dated:
        return []
    first = options.date_from or min(s.date for s in dated if s.date is not None)
    last = options.date_to or max(s.date for s in dated if s.date is not None)
    nodes = _nodes(data, dated, options)
    return [build_network(data, options, start=start, end=end, nodes=nodes)
            for start, end in window_bounds(first, last, window)]
