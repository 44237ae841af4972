"""Bar charts as inline SVG, rendered on the server: no JavaScript library, prints cleanly.

Each bar is a link to the records behind it and carries a tooltip with the exact figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1f5fa8"
LIGHT = "#b9cde6"
GREY = "#5b6775"
RED = "#b3261e"
GREEN = "#1e7a3c"


@dataclass
class Bar:
    label: str
    value: float | None
    href: str = ""
    tip: str = ""
    forecast: bool = False  # drawn light and dashed
    good: bool | None = None  # colours the bar green/red against the target


@dataclass
class Line:
    values: Sequence[float | None]
    label: str
    color: str = GREY
    dashed: bool = True


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    import math

    exp = 10 ** math.floor(math.log10(v))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= step * exp:
            return step * exp
    return 10 * exp


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    fmt: Callable[[float], str],
    label_fmt: Callable[[float], str] | None = None,
    target: float | None = None,
    target_label: str = "",
    lines: Sequence[Line] = (),
    y_max: float | None = None,
    width: int = 640,
    height: int = 250,
) -> SafeString:
    label_fmt = label_fmt or fmt
    left, right, top, bottom = 64, 12, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [b.value or 0 for b in bars] + [v or 0 for ln in lines for v in ln.values]
    top_value = y_max or _nice_max(max([*values, target or 0, 1]) * 1.08)
    n = max(len(bars), 1)
    slot = plot_w / n
    bw = slot * 0.62

    def y(v: float) -> float:
        return top + plot_h - (min(v, top_value) / top_value) * plot_h

    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        v = top_value * i / 4
        yy = y(v)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="#e3e7ec" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{GREY}">{escape(fmt(v))}</text>'
        )
    for i, b in enumerate(bars):
        cx = left + slot * i + slot / 2
        if b.value is not None:
            yy = y(b.value)
            h = top + plot_h - yy
            if b.forecast:
                fill, extra = "#ffffff", f' stroke="{BLUE}" stroke-dasharray="4 3"'
            else:
                fill = BLUE if b.good is None else (GREEN if b.good else RED)
                extra = ""
            rect = (
                f'<rect x="{cx - bw / 2:.1f}" y="{yy:.1f}" width="{bw:.1f}" '
                f'height="{max(h, 0.5):.1f}" fill="{fill}"{extra}>'
                f"<title>{escape(b.tip or label_fmt(b.value))}</title></rect>"
                f'<text x="{cx:.1f}" y="{yy - 4:.1f}" text-anchor="middle" font-size="10" '
                f'fill="#1d2733">{escape(label_fmt(b.value))}</text>'
            )
            out.append(f'<a href="{escape(b.href)}">{rect}</a>' if b.href else rect)
        out.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="#1d2733">{escape(b.label)}</text>'
        )
    for ln in lines:
        pts = [
            f"{left + slot * i + slot / 2:.1f},{y(v):.1f}"
            for i, v in enumerate(ln.values)
            if v is not None
        ]
        if pts:
            dash = ' stroke-dasharray="5 4"' if ln.dashed else ""
            out.append(
                f'<polyline points="{" ".join(pts)}" fill="none" stroke="{ln.color}" '
                f'stroke-width="2"{dash}/>'
            )
    legend_x = left
    if target is not None:
        yy = y(target)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{RED}" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="12" y2="12" stroke="{RED}" '
            f'stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<text x="{legend_x + 26}" y="16" font-size="11" fill="{RED}">'
            f"{escape(target_label)}</text>"
        )
        legend_x += 40 + 12 * len(target_label)
    for ln in lines:
        out.append(
            f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="12" y2="12" stroke="{ln.color}" '
            f'stroke-width="2" stroke-dasharray="5 4"/>'
            f'<text x="{legend_x + 26}" y="16" font-size="11" fill="{GREY}">'
            f"{escape(ln.label)}</text>"
        )
        legend_x += 40 + 12 * len(ln.label)
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#9aa5b1"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped


def yen_or_count(v: float) -> str:
    return f"{v:,.0f}"


def percent(v: float) -> str:
    """Axis ticks: whole percents."""
    return f"{v * 100:.0f}%"


def percent1(v: float) -> str:
    """Bar labels: one decimal, so 89.6 % never reads as the 90 % target."""
    return f"{v * 100:.1f}%"
