"""Small server-rendered SVG charts: the same markup on screen, in print and in the PDF report.

Each chart has a title and a description (read by screen readers), prints its values next to the
marks (colour is never the only cue), uses presentation attributes only (no inline style, which the
content security policy forbids), and is always shown beside a table with the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1d3f8a", "#2e8540", "#c05600", "#7b3fa0")
INK = "#1b1b1b"
MUTED = "#4a4f57"
FONT = 'font-family="system-ui, sans-serif"'
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


def _frame(title: str, desc: str, width: int, height: int, body: str) -> SafeString:
    number = next(_ids)
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{number}-title chart-{number}-desc" class="chart-svg" {FONT}>'
        f'<title id="chart-{number}-title">{escape(title)}</title>'
        f'<desc id="chart-{number}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _describe(bars: list[Bar]) -> str:
    return " ; ".join(f"{bar.label} : {bar.text}" for bar in bars)


def _n(value: float) -> str:
    return f"{value:.1f}"


def horizontal_bars(title: str, bars: list[Bar], *, width: int = 560) -> SafeString:
    """One bar per row, label on the left, value at the end of the bar: long French labels fit."""
    label_width, row, value_room = 220, 28, 90
    height = max(row * len(bars) + 8, 36)
    peak = max((bar.value for bar in bars), default=0) or 1
    scale = (width - label_width - value_room) / peak
    parts = []
    for index, bar in enumerate(bars):
        y = 4 + index * row
        length = max(bar.value * scale, 1 if bar.value else 0)
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{_n(length)}" height="{row - 10}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{_n(label_width + length + 6)}" y="{y + 17}" font-size="13" font-weight="700" '
            f'fill="{INK}">{escape(bar.text)}</text>'
        )
    return _frame(title, _describe(bars), width, height, "".join(parts))


def columns(title: str, bars: list[Bar], *, width: int = 560, height: int = 220) -> SafeString:
    """Vertical bars in time order (months), the value above each one."""
    bottom, top = height - 28, 22
    slot = (width - 20) / max(len(bars), 1)
    bar_width = max(min(slot * 0.6, 48), 4)
    peak = max((bar.value for bar in bars), default=0) or 1
    parts = [f'<line x1="10" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="{MUTED}"/>']
    show_values = len(bars) <= 18
    for index, bar in enumerate(bars):
        x = 10 + index * slot + (slot - bar_width) / 2
        bar_height = (bottom - top) * bar.value / peak
        middle = _n(x + bar_width / 2)
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(bottom - bar_height)}" width="{_n(bar_width)}" '
            f'height="{_n(bar_height)}" fill="{COLOURS[0]}"/>'
        )
        if show_values:
            parts.append(
                f'<text x="{middle}" y="{_n(bottom - bar_height - 5)}" text-anchor="middle" font-size="11" '
                f'font-weight="700" fill="{INK}">{escape(bar.text)}</text>'
            )
        if show_values or index % 3 == 0:
            parts.append(
                f'<text x="{middle}" y="{height - 10}" text-anchor="middle" font-size="11" fill="{MUTED}">'
                f"{escape(bar.label)}</text>"
            )
    return _frame(title, _describe(bars), width, height, "".join(parts))


def split(title: str, bars: list[Bar], *, width: int = 560) -> SafeString:
    """A 100 % bar cut into parts (e.g. digital assistance / client information), each part named with
    its share in the legend below and, when wide enough, on the bar itself."""
    total = sum(bar.value for bar in bars) or 1
    parts, x = [], 10.0
    usable = width - 20
    for index, bar in enumerate(bars):
        length = usable * bar.value / total
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<rect x="{_n(x)}" y="8" width="{_n(length)}" height="34" fill="{colour}" '
            'stroke="#ffffff" stroke-width="2"/>'
        )
        if length > 60:
            parts.append(
                f'<text x="{_n(x + length / 2)}" y="30" text-anchor="middle" font-size="14" '
                f'font-weight="700" fill="#ffffff">{escape(bar.text)}</text>'
            )
        x += length
    for index, bar in enumerate(bars):
        y = 62 + index * 22
        parts.append(
            f'<rect x="10" y="{y}" width="14" height="14" fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="30" y="{y + 12}" font-size="13" fill="{INK}">'
            f"{escape(bar.label)} : {escape(bar.text)}</text>"
        )
    return _frame(title, _describe(bars), width, 62 + 22 * len(bars), "".join(parts))
