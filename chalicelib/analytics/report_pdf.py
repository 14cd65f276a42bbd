"""The PDF report of a period, for an agency to send a client: the headline figures
against the period before, a chart of impressions and engagements per day, the networks
and accounts, and the top posts. Drawn with fpdf2 (pure Python, imported only here)."""

from __future__ import annotations

import itertools
import unicodedata
from typing import Any

# fpdf2's core fonts (Helvetica) are Latin-1: other characters are written as their
# closest plain letters, or left out.
_METRICS = (
    ("posts_published", "Posts published"),
    ("posts_failed", "Posts failed"),
    ("impressions", "Impressions / views"),
    ("reach", "Reach"),
    ("engagements", "Engagements"),
    ("likes", "Likes"),
    ("comments", "Comments"),
    ("shares", "Shares"),
    ("saves", "Saves"),
    ("clicks", "Clicks"),
    ("engagement_rate", "Engagement rate"),
    ("followers", "Followers"),
    ("followers_change", "Followers change"),
)


def _text(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value)
    return plain.encode("latin-1", "ignore").decode("latin-1")


def _figure(value: Any, metric: str = "") -> str:
    if value is None:
        return "not available"
    if metric == "engagement_rate" or isinstance(value, float):
        return f"{value * 100:.2f} %"
    if metric == "followers_change" and value > 0:
        return f"+{value:,}"
    return f"{value:,}"


def _change(now: Any, before: Any) -> str:
    if now is None or before is None or isinstance(now, float):
        return ""
    if before == 0:
        return "new" if now else ""
    return f"{(now - before) / before * 100:+.0f} %"


def render(summary: dict[str, Any], top: dict[str, Any], workspace_name: str) -> bytes:
    """The report's bytes from the summary's body and the top posts' body."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_text(f"Schedulo analytics: {workspace_name}"))
    pdf.set_creator("Schedulo")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _text(f"Analytics report: {workspace_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    previous = summary["previous"]
    pdf.cell(
        0,
        6,
        f"{summary['from']} to {summary['to']} ({summary['timezone']}), compared with "
        f"{previous['from']} to {previous['to']}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    _headline(pdf, summary["totals"], summary["previous_totals"])
    pdf.ln(4)
    _chart(pdf, summary["series"])
    pdf.ln(4)
    _breakdown(pdf, summary)
    pdf.ln(4)
    _top(pdf, top)
    return bytes(pdf.output())


def _heading(pdf: Any, text: str) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


def _headline(pdf: Any, totals: dict[str, Any], before: dict[str, Any]) -> None:
    _heading(pdf, "Headline figures")
    widths = (60, 45, 45, 30)
    pdf.set_font("Helvetica", "B", 9)
    for width, label in zip(widths, ("", "This period", "Previous period", "Change"), strict=True):
        pdf.cell(width, 6, label, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for key, label in _METRICS:
        row = (label, _figure(totals[key], key), _figure(before[key], key))
        for width, value in zip(widths, row, strict=False):
            pdf.cell(width, 5.5, value)
        pdf.cell(widths[3], 5.5, _change(totals[key], before[key]))
        pdf.ln()
    basis = totals.get("engagement_rate_basis")
    if basis:
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, f"Engagement rate: engagements / {basis}.", new_x="LMARGIN", new_y="NEXT")


def _chart(pdf: Any, series: list[dict[str, Any]]) -> None:
    """Impressions per day as bars, engagements as a line, each on its own scale."""
    _heading(pdf, "Impressions and engagements per day")
    x0, width, height = pdf.l_margin + 10, pdf.epw - 20, 50
    y0 = pdf.get_y() + 2
    if y0 + height + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
        y0 = pdf.get_y() + 2
    pdf.set_draw_color(180, 180, 180)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    shown = [p["impressions"] or 0 for p in series]
    engaged = [p["engagements"] or 0 for p in series]
    step = width / max(1, len(series))
    top_shown, top_engaged = max(shown, default=0) or 1, max(engaged, default=0) or 1
    pdf.set_fill_color(120, 160, 220)
    for i, value in enumerate(shown):
        bar = height * value / top_shown
        if bar > 0:
            pdf.rect(x0 + i * step + step * 0.15, y0 + height - bar, step * 0.7, bar, style="F")
    pdf.set_draw_color(220, 90, 60)
    pdf.set_line_width(0.5)
    points = [
        (x0 + i * step + step / 2, y0 + height - height * v / top_engaged)
        for i, v in enumerate(engaged)
    ]
    for a, b in itertools.pairwise(points):
        pdf.line(a[0], a[1], b[0], b[1])
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(y0 + height + 1)
    pdf.set_font("Helvetica", "", 7)
    if series:
        pdf.cell(width / 2 + 10, 4, str(series[0]["date"]))
        pdf.cell(width / 2, 4, str(series[-1]["date"]), align="R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(
        0,
        5,
        f"Bars: impressions (highest {max(shown, default=0):,}). "
        f"Line: engagements (highest {max(engaged, default=0):,}).",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _breakdown(pdf: Any, summary: dict[str, Any]) -> None:
    _heading(pdf, "By network and account")
    widths = (62, 22, 30, 30, 24, 22)
    pdf.set_font("Helvetica", "B", 8)
    labels = ("", "Posts", "Impressions", "Engagements", "Eng. rate", "Followers")
    for width, label in zip(widths, labels, strict=True):
        pdf.cell(width, 6, label, border="B")
    pdf.ln()
    rows = [(n["name"], n["totals"], True) for n in summary["networks"]]
    rows += [
        (f"  {a['display_name']} ({a['network']})", a["totals"], False) for a in summary["accounts"]
    ]
    for label, totals, bold in rows:
        pdf.set_font("Helvetica", "B" if bold else "", 8)
        values = (
            _text(label)[:40],
            _figure(totals["posts_published"]),
            _figure(totals["impressions"]),
            _figure(totals["engagements"]),
            _figure(totals["engagement_rate"], "engagement_rate"),
            _figure(totals["followers"]),
        )
        for width, value in zip(widths, values, strict=True):
            pdf.cell(width, 5, value)
        pdf.ln()
    for network in summary["networks"]:
        if network["unavailable"]:
            pdf.set_font("Helvetica", "I", 7)
            missing = ", ".join(network["unavailable"])
            pdf.cell(
                0,
                4,
                f"Not available on {network['name']}: {missing}",
                new_x="LMARGIN",
                new_y="NEXT",
            )


def _top(pdf: Any, top: dict[str, Any]) -> None:
    _heading(pdf, f"Top posts by {top['metric'].replace('_', ' ')}")
    if not top["items"]:
        pdf.cell(0, 5, "No post was published in this period.", new_x="LMARGIN", new_y="NEXT")
        return
    for rank, item in enumerate(top["items"], start=1):
        pdf.set_font("Helvetica", "B", 8)
        value = _figure(item["value"], top["metric"])
        pdf.cell(
            0,
            5,
            _text(f"{rank}. {item['network']}, {str(item['published_at'])[:10]}: {value}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(
            0, 4, _text(item["excerpt"] or "(no text)")[:280], new_x="LMARGIN", new_y="NEXT"
        )
        if item["url"]:
            pdf.set_text_color(40, 80, 200)
            pdf.cell(
                0, 4, _text(item["url"])[:110], link=item["url"], new_x="LMARGIN", new_y="NEXT"
            )
            pdf.set_text_color(0, 0, 0)
