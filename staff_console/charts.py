"""Charts as SVG drawn on the server: no script, no style attributes (the CSP allows neither), the
figures also written as text so that the chart reads without colour and on a screen reader."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 1160  # about the width it is shown at, so that its text is the page's size
BAR = 22
GAP = 6
LABEL = 300
COLUMN = 56  # the widest a day's bar gets


def columns(points: Sequence[tuple[str, int]], *, title: str, height: int = 200) -> Markup:
    """Vertical bars, one per point (applications per day), the value above each, the label under."""
    if not points:
        return Markup("")
    top = max(value for _, value in points) or 1
    inner = height - 40
    step = (WIDTH - 20) / len(points)
    width = min(COLUMN, max(2.0, step - 4))
    parts = [_open(WIDTH, height, title)]
    every = max(1, round(len(points) / 12))  # at most about 12 labels under the bars
    for index, (label, value) in enumerate(points):
        x = 10 + index * step
        h = inner * value / top
        y = height - 22 - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if value and len(points) <= 31:
            parts.append(f'<text class="top" x="{x + width / 2:.1f}" y="{y - 3:.1f}">{value}</text>')
        if index % every == 0:
            parts.append(
                f'<text class="axis" x="{x + width / 2:.1f}" y="{height - 6}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def rows(points: Sequence[tuple[str, int]], *, title: str, total: int | None = None) -> Markup:
    """Horizontal bars with their labels (the funnel, drafts by question, counts by status)."""
    if not points:
        return Markup("")
    top = total or max(value for _, value in points) or 1
    height = len(points) * (BAR + GAP) + GAP
    room = WIDTH - LABEL - 70
    parts = [_open(WIDTH, height, title)]
    for index, (label, value) in enumerate(points):
        y = GAP + index * (BAR + GAP)
        w = room * value / top
        parts.append(
            f'<text class="label" x="{LABEL - 8}" y="{y + BAR - 6}">{escape(label)}</text>'
            f'<rect class="track" x="{LABEL}" y="{y}" width="{room}" height="{BAR}"/>'
            f'<rect class="bar" x="{LABEL}" y="{y}" width="{w:.1f}" height="{BAR}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text class="value" x="{LABEL + w + 6:.1f}" y="{y + BAR - 6}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
