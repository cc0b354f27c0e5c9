"""Trend charts as server-rendered SVG: no JavaScript, no library, nothing fetched.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (named by
``aria-labelledby``) and is always shown beside a table of the same numbers, the
alternative for anyone who cannot see it. Series differ by colour, by dash pattern and by
marker shape, so that colour is never the only cue. Presentation attributes only: no
``style`` (the CSP forbids inline styles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK colours: blue, orange, green, purple, red.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4")
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 72


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # one per month; None where there is nothing to count
    links: list[str] | None = None  # one per month: the rows behind that month's value


@dataclass(frozen=True)
class Trend:
    """Figures by month. ``unit`` is "%" (0-100) or "" (counts)."""

    chart_id: str
    title: str
    description: str
    months: list[date]
    series: list[Series]
    unit: str = "%"

    @property
    def month_labels(self) -> list[str]:
        return [m.strftime("%b %Y") for m in self.months]

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """Month by month, one column per series: the chart's table alternative."""
        return [(label, [text for text, _ in cells]) for label, cells in self.linked_rows]

    @property
    def linked_rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The table alternative with, for each value, the link to the rows behind it."""
        rows = []
        for index, label in enumerate(self.month_labels):
            cells = []
            for series in self.series:
                value = series.values[index]
                text = "–" if value is None else f"{value:.0f}{self.unit}"
                counted = value is not None and (self.unit == "%" or value > 0)  # a 0% month still has rows
                href = series.links[index] if series.links and counted else ""
                cells.append((text, href))
            rows.append((label, cells))
        return rows

    def svg(self) -> SafeString:
        return render_svg(self)


def _scale_max(trend: Trend) -> float:
    if trend.unit == "%":
        return 100.0
    peak = max((v for s in trend.series for v in s.values if v is not None), default=0.0)
    if peak <= 5:
        return 5.0
    step = 10 ** (len(str(int(peak))) - 1)
    return float(((int(peak) // step) + 1) * step)


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    if shape % 3 == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape % 3 == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'


def render_svg(trend: Trend) -> SafeString:
    """The chart as one ``<svg>`` element, every label escaped."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(len(trend.months), 1)
    top_value = _scale_max(trend)

    def x_at(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n)

    def y_at(value: float) -> float:
        return TOP + plot_h - (plot_h * value / top_value)

    title_id, desc_id = f"{trend.chart_id}-title", f"{trend.chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">',
        f'<title id="{title_id}">{escape(trend.title)}</title>',
        f'<desc id="{desc_id}">{escape(trend.description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for step in range(5):
        value = top_value * step / 4
        y = y_at(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">'
            f"{value:.0f}{escape(trend.unit)}</text>"
        )
    for i, label in enumerate(trend.month_labels):
        parts.append(
            f'<text x="{x_at(i):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="11" '
            f'fill="#0b0c0c">{escape(label.split(" ")[0])}</text>'
        )
        if i == 0 or label.startswith("Jan"):
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{TOP + plot_h + 30}" text-anchor="middle" font-size="11" '
                f'fill="#505a5f">{escape(label.split(" ")[1])}</text>'
            )
    for index, series in enumerate(trend.series):
        colour = COLOURS[index % len(COLOURS)]
        dash = DASHES[index % len(DASHES)]
        points = [(x_at(i), y_at(v)) for i, v in enumerate(series.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f} {y:.1f}" for j, (x, y) in enumerate(points))
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        parts += [_marker(index, x, y, colour) for x, y in points]
        # the legend, below the axis
        lx = LEFT + (index % 3) * 220
        ly = HEIGHT - 22 + (index // 3) * 16 - (8 if len(trend.series) > 3 else 0)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        parts.append(_marker(index, lx + 14, ly, colour))
        parts.append(f'<text x="{lx + 36}" y="{ly + 4}" font-size="12" fill="#0b0c0c">{escape(series.label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped
