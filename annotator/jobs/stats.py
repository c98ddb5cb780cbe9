"""Human-readable project statistics (``annotator stats``)."""

from __future__ import annotations

from typing import Any


def format_stats(stats: dict[str, Any]) -> str:
    """Render ``Repository.stats()`` as aligned text tables."""
    lines: list[str] = []
    articles = stats.get("articles", {})
    total = sum(v for v in articles.values() if isinstance(v, int))
    lines.append(f"Articles: {total}")
    for status, n in sorted(articles.items()):
        lines.append(f"  {status:<14}{n:>8}")
    for title, key in (("Entities", "layers"), ("Claims", "claims")):
        table = stats.get(key, {})
        lines.append(f"{title} by layer, label and status:" if key == "layers" else f"{title} by layer and status:")
        if not table:
            lines.append("  (none)")
        for layer, inner in sorted(table.items()):
            lines.append(f"  {layer}")
            for name, value in sorted(inner.items()):
                if isinstance(value, dict):
                    parts = ", ".join(f"{s} {n}" for s, n in sorted(value.items()))
                    lines.append(f"    {name:<12}{parts}")
                else:
                    lines.append(f"    {name:<12}{value:>8}")
    return "\n".join(lines)
