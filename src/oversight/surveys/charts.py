"""One question's answers as server-rendered SVG: a 100% bar per group shown, one segment per
answer. Always beside a table of the same figures (the alternative for anyone who cannot see
it); each segment wide enough carries its percentage as text, so colour is never the only cue.
Presentation attributes only: no ``style`` (the CSP forbids inline styles)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .questions import Question
from .selectors import Group

# GOV.UK colours from agreement to disagreement: green, light green, grey, orange, red.
PALETTES = {
    2: ("#00703c", "#d4351c"),
    3: ("#00703c", "#b1b4b6", "#d4351c"),
    4: ("#00703c", "#85994b", "#f47738", "#d4351c"),
    5: ("#00703c", "#85994b", "#b1b4b6", "#f47738", "#d4351c"),
}
FALLBACK = ("#1d70b8", "#4c2c92", "#00703c", "#f47738", "#d4351c", "#505a5f")
WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP, LEGEND_ROW = 720, 220, 26, 10, 22
WHITE_TEXT = {"#00703c", "#d4351c", "#1d70b8", "#4c2c92", "#505a5f"}


def colours(count: int) -> tuple[str, ...]:
    return PALETTES.get(count, FALLBACK)


def answer_bars(chart_id: str, question: Question, groups: list[Group]) -> SafeString:
    """The SVG for ``question`` over the shown ``groups``."""
    shown = [g for g in groups if g.shown and question.id in g.counts]
    palette = colours(len(question.options))
    bar_width = WIDTH - LABEL_WIDTH - 8
    legend_rows = (len(question.options) + 1) // 2
    height = len(shown) * (BAR_HEIGHT + GAP) + legend_rows * LEGEND_ROW + 16
    title = escape(question.text)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-survey-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{title}</title>',
        f'<desc id="{chart_id}-desc">Share of each answer, by group; the table below gives the same figures.</desc>',
    ]
    y = 4
    for group in shown:
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT / 2 + 5:.0f}" text-anchor="end" '
            f'font-size="14" fill="#0b0c0c">{escape(group.label)} ({group.size})</text>'
        )
        x = float(LABEL_WIDTH)
        counts = group.counts[question.id]
        total = sum(c.count for c in counts) or 1
        for index, option in enumerate(counts):
            width = bar_width * option.count / total
            if width <= 0:
                continue
            colour = palette[index % len(palette)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}" '
                f'stroke="#ffffff" stroke-width="1"><title>{escape(option.label)}: {option.count} '
                f"({option.percent}%)</title></rect>"
            )
            if width >= 34:
                ink = "#ffffff" if colour in WHITE_TEXT else "#0b0c0c"
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR_HEIGHT / 2 + 5:.0f}" text-anchor="middle" '
                    f'font-size="13" fill="{ink}">{option.percent}%</text>'
                )
            x += width
        y += BAR_HEIGHT + GAP
    for index, choice in enumerate(question.options):
        column, row = index % 2, index // 2
        lx, ly = LABEL_WIDTH + column * 240, y + row * LEGEND_ROW
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{palette[index % len(palette)]}"/>'
            f'<text x="{lx + 20}" y="{ly + 12}" font-size="13" fill="#0b0c0c">{escape(choice.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
