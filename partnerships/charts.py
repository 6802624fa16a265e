"""Charts drawn on the server as SVG: plain functions that lay out bars, lines and labels in
a viewBox, for templates/partnerships/_bar_chart.svg and _line_chart.svg to draw. No
JavaScript.

The charts scale to their container (viewBox, width 100%), so every label is laid out
inside the viewBox. Colour is never the only cue: each bar carries a text label, and the
two series of a grouped chart differ in fill (solid and hatched) as well as lightness, so
they read in black-and-white print too. Every colour has at least 3:1 contrast against
white (WCAG 1.4.11); ratios are noted.

Text (region names come from the database) is returned as plain strings; the template
escapes it. Coordinates are returned as strings so no locale setting can change them.
"""

import math

WIDTH = 360  # viewBox units; about one unit per CSS pixel on a 360 px phone
BAR_AREA = 190  # the longest bar; the rest of the width holds its value label
FONT = 13
CHAR_WIDTH = 0.62  # a generous average glyph width, in ems, for fitting labels

# Colours for graphics, with their contrast against white.
PURPLE = "#4c2c92"  # 10.1:1, women's organisations' seats: solid
LIGHT_PURPLE = "#6f72af"  # 4.5:1, women's organisations in the VCS: hatched
GREEN = "#00703c"  # 6.2:1
ORANGE = "#a35200"  # 5.6:1
RED = "#aa2a16"  # 6.9:1
GREY = "#505a5f"  # 7.1:1
TEXT = "#0b0c0c"


def num(value):
    """A coordinate as SVG text: at most one decimal place, never a locale's comma."""
    return f"{round(value, 1):g}"


def nice_maximum(largest):
    """The end of the scale: the smallest round number that holds the largest value."""
    for step in (5, 10, 20, 25, 50, 100):
        if largest <= step:
            return step
    return largest


def fit(x, text, size):
    """A textLength for text that might run past the right edge of the viewBox, so the
    renderer squeezes it inside; empty when it fits."""
    if x + len(text) * size * CHAR_WIDTH <= WIDTH:
        return ""
    return num(WIDTH - x - 2)


def label(x, y, text, *, size=FONT, bold=False, anchor="start"):
    return {
        "x": num(x),
        "y": num(y),
        "text": text,
        "size": str(size),
        "weight": "bold" if bold else "normal",
        "anchor": anchor,
        "fit": fit(x, text, size) if anchor == "start" else "",
    }


def fill_for(series, chart_id):
    if series.get("hatched"):
        return f"url(#{chart_id}-{series['key']})"
    return series["colour"]


def bar(x, y, length, height, series, chart_id):
    return {
        "x": num(x),
        "y": num(y),
        "width": num(length),
        "height": num(height),
        "fill": fill_for(series, chart_id),
        "stroke": series["colour"],
    }


def axis(top, bottom, maximum, suffix="%"):
    """A baseline at zero, and ticks at the middle and end of the scale below the bars."""
    lines = [{"x1": "0", "y1": num(top), "x2": "0", "y2": num(bottom)}]
    texts = []
    for value in (0, maximum / 2, maximum):
        x = BAR_AREA * value / maximum
        lines.append({"x1": num(x), "y1": num(bottom), "x2": num(x), "y2": num(bottom + 4)})
        anchor = "start" if value == 0 else "middle"
        texts.append(label(x, bottom + 17, f"{value:g}{suffix}", size=11, anchor=anchor))
    return lines, texts


def horizontal_bar_chart(*, chart_id, title, desc, groups, legend=(), maximum=None):
    """Horizontal bars in labelled groups, with an optional legend.

    groups: [{"label": str, "bars": [{"value": number or None, "text": str, "style": style}]}],
        values on the chart's scale (percentages: Decimal, int or float);
        a value of None draws no bar (no data) and its text says so.
    style: {"key": str, "label": str, "colour": "#hex", "hatched": bool}.
    legend: the styles to explain above the bars.
    maximum: the end of the scale; by default a round number above the largest value.
    Returns a dict of everything the template draws."""
    values = [item["value"] for group in groups for item in group["bars"]]
    largest = max((float(value) for value in values if value is not None), default=0)
    maximum = maximum or nice_maximum(largest)
    texts, bars, legend_keys, patterns = [], [], [], {}
    y = 0
    for style in legend:
        legend_keys.append(
            {
                "x": "0",
                "y": num(y + 1),
                "size": "14",
                "fill": fill_for(style, chart_id),
                "stroke": style["colour"],
            }
        )
        texts.append(label(20, y + 12, style["label"]))
        y += 20
    if legend:
        y += 8
    top = y
    bar_height, bar_gap = 16, 4
    for group in groups:
        texts.append(label(0, y + 13, group["label"], bold=True))
        y += 19
        for item in group["bars"]:
            style = item["style"]
            value = None if item["value"] is None else float(item["value"])
            if style.get("hatched"):
                patterns[style["key"]] = {
                    "id": f"{chart_id}-{style['key']}",
                    "colour": style["colour"],
                }
            length = 0 if value is None else BAR_AREA * min(value, maximum) / maximum
            if length:
                bars.append(bar(0, y, length, bar_height, style, chart_id))
            texts.append(label(length + 4, y + 12, item["text"], size=12))
            y += bar_height + bar_gap
        y += 8
    lines, axis_texts = axis(top, y, maximum)
    texts.extend(axis_texts)
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        # A unit's margin all round holds the bars' outlines.
        "view_box": f"-1 -1 {num(WIDTH + 2)} {num(y + 26)}",
        "patterns": list(patterns.values()),
        "legend": legend_keys,
        "texts": texts,
        "bars": bars,
        "lines": lines,
    }


SEATS = {"key": "seats", "label": "Share of VCS seats", "colour": PURPLE}
ORGANISATIONS = {
    "key": "organisations",
    "label": "Share of VCS organisations",
    "colour": LIGHT_PURPLE,
    "hatched": True,
}


def region_share_chart(regions):
    """Women's organisations' share of VCS seats against their share of VCS organisations,
    two bars per region. regions: the report's Figures for each region."""
    groups, sentences = [], []
    for region in regions:
        seats, organisations = region.seat_share, region.organisation_share
        groups.append(
            {
                "label": region.name,
                "bars": [
                    {"value": seats.value, "text": f"seats: {seats}", "style": SEATS},
                    {
                        "value": organisations.value,
                        "text": f"organisations: {organisations}",
                        "style": ORGANISATIONS,
                    },
                ],
            }
        )
        seats_words = f"{seats} of {region.vcs_seats} VCS seats" if region.vcs_seats else ""
        organisations_words = (
            f"{organisations} of {region.vcs_organisations} VCS organisations"
            if region.vcs_organisations
            else ""
        )
        sentences.append(
            f"{region.name}: {seats_words or 'no VCS seat recorded'}, "
            f"{organisations_words or 'no VCS organisation recorded'}."
        )
    return horizontal_bar_chart(
        chart_id="chart-regions",
        title="Women's organisations' share of VCS seats and of VCS organisations, by region",
        desc=" ".join(sentences) or "No region to show.",
        groups=groups,
        legend=[SEATS, ORGANISATIONS],
    )


FUNDING_STYLES = {
    "funded": {"colour": GREEN},
    "partly_lost": {"colour": ORANGE, "hatched": True},
    "lost": {"colour": RED},
    "unknown": {"colour": GREY, "hatched": True},
}


def cen_funding_chart(cens):
    """CENs by funding status, one labelled bar each on a scale of 0 to 100%.
    cens: the report's CenFigures."""
    groups, sentences = [], []
    for row in cens.funding:
        style = {"key": row.key, "label": row.label, "colour": GREY}
        style |= FUNDING_STYLES.get(row.key, {})
        text = f"{row.count} ({row.share})"
        groups.append(
            {"label": row.label, "bars": [{"value": row.share.value, "text": text, "style": style}]}
        )
        sentences.append(f"{row.label}: {row.count} of {cens.total} ({row.share}).")
    return horizontal_bar_chart(
        chart_id="chart-cen-funding",
        title="Community Empowerment Networks by funding status",
        desc=" ".join(sentences),
        groups=groups,
        maximum=100,
    )


# The line chart's plot area, in viewBox units: room at the left for the scale's labels
# and below for the years.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_HEIGHT = 40, 20, 10, 180
YEAR_LABELS = 6  # at most this many years are labelled under the line; every year has a dot


def line_chart(*, chart_id, title, desc, points, colour=PURPLE):
    """One series as a line with a dot at each point, on a scale from 0.

    points: [{"label": str (a year), "value": number or None}], in order; None is no data:
        no dot, and the line breaks there rather than pretending to know.
    Returns a dict of everything templates/partnerships/_line_chart.svg draws."""
    values = [float(point["value"]) for point in points if point["value"] is not None]
    maximum = nice_maximum(max(values, default=0))
    width = WIDTH - PLOT_LEFT - PLOT_RIGHT  # room at the right for half the last year
    step = width / (len(points) - 1) if len(points) > 1 else 0
    bottom = PLOT_TOP + PLOT_HEIGHT

    def x_of(i):
        return PLOT_LEFT + (step * i if len(points) > 1 else width / 2)

    def y_of(value):
        return bottom - PLOT_HEIGHT * min(value, maximum) / maximum

    lines, texts, dots, paths, run = [], [], [], [], []
    for value in (0, maximum / 2, maximum):  # the scale, with light lines across
        y = y_of(value)
        lines.append(
            {"x1": num(PLOT_LEFT), "y1": num(y), "x2": num(WIDTH - PLOT_RIGHT), "y2": num(y)}
        )
        texts.append(label(PLOT_LEFT - 4, y + 4, f"{value:g}%", size=11, anchor="end"))
    every = max(1, math.ceil(len(points) / YEAR_LABELS))
    for i, point in enumerate(points):
        x = x_of(i)
        if (len(points) - 1 - i) % every == 0:  # counted from the last, always labelled
            texts.append(label(x, bottom + 16, point["label"], size=11, anchor="middle"))
        if point["value"] is None:
            if run:
                paths.append(run)
            run = []
            continue
        y = y_of(float(point["value"]))
        dots.append({"cx": num(x), "cy": num(y)})
        run.append(f"{num(x)},{num(y)}")
    if run:
        paths.append(run)
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "view_box": f"0 0 {num(WIDTH)} {num(bottom + 26)}",
        "colour": colour,
        "lines": lines,
        "texts": texts,
        "dots": dots,
        "polylines": [" ".join(run) for run in paths if len(run) > 1],
    }


def over_time_chart(points, *, place):
    """Women's organisations' share of VCS seats on the same day of each year.
    points: the report's YearPoints; place: "England" or the region's name."""
    sentences = [
        f"{point.on.year}: {point.share}"
        + (f" of {point.vcs_seats} VCS seats" if point.vcs_seats else "")
        for point in points
    ]
    day = points[-1].on
    return line_chart(
        chart_id="chart-over-time",
        title=f"Women's organisations' share of VCS seats on {day.day} {day:%B} each year, {place}",
        desc="; ".join(sentences) + "." if sentences else "No year to show.",
        points=[{"label": str(point.on.year), "value": point.share.value} for point in points],
    )
