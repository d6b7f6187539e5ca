"""The side panel's HTML: title and date span, period controls, summary tables, the two SVG charts, legend."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence

from geo.model import Event
from geo.timeline import Timeline

from .areas import AREA_SIDES
from .page_text import SIDE_COLORS, SIDE_LABELS, SIDE_ORDER, _esc

__all__ = ["changes_chart_svg", "area_chart_svg"]


def _gap_marks(summaries: Sequence[dict[str, object]], step: float, bottom: float) -> list[str]:
    """Return a dashed mark between two bars whose periods are not adjacent (no report in between)."""
    marks = []
    for i in range(1, len(summaries)):
        before, after = str(summaries[i - 1]["end"]), str(summaries[i]["start"])
        if (dt.date.fromisoformat(after) - dt.date.fromisoformat(before)).days > 1:
            x = i * step
            tip = f"no reports from {before} to {after}"
            marks.append(
                f'<line class="fl-gap" x1="{x:.2f}" y1="0" x2="{x:.2f}" y2="{bottom}" stroke="#666" '
                f'stroke-dasharray="2 2"><title>{_esc(tip)}</title></line>'
            )
    return marks


def changes_chart_svg(summaries: Sequence[dict[str, object]], width: int = 276, height: int = 64) -> str:
    """Return an inline SVG bar chart of changes per period, stacked by the side each change went to."""
    if not summaries:
        return ""
    top, plot = 12, height - 14
    totals = [sum(s["to"].values()) for s in summaries]  # type: ignore[attr-defined]
    peak = max(max(totals), 1)
    step = width / len(summaries)
    bar = max(step * 0.72, 1.0)
    parts = [
        f'<svg class="fl-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Control changes per period">'
    ]
    for i, summary in enumerate(summaries):
        to: dict[str, int] = summary["to"]  # type: ignore[assignment]
        tip = f"{summary['label']}: " + ", ".join(f"to {SIDE_LABELS[s]} {to[s]}" for s in SIDE_ORDER if to[s])
        if not any(to.values()):
            tip += "no change"
        x = i * step
        parts.append(
            f'<g class="fl-bar" data-index="{i}"><title>{_esc(tip)}</title>'
            f'<rect class="fl-hit" x="{x:.2f}" y="0" width="{step:.2f}" height="{plot + 1}"></rect>'
        )
        y = float(plot)
        for side in SIDE_ORDER:
            if to[side]:
                h = to[side] / peak * (plot - top)
                y -= h
                parts.append(
                    f'<rect x="{x + (step - bar) / 2:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                    f'fill="{SIDE_COLORS[side]}"></rect>'
                )
        parts.append("</g>")
    parts.append(f'<line x1="0" y1="{plot + 0.5}" x2="{width}" y2="{plot + 0.5}" stroke="#999"></line>')
    parts.extend(_gap_marks(summaries, step, plot))
    first, last = _esc(summaries[0]["label"]), _esc(summaries[-1]["label"])
    parts.append(f'<text x="0" y="{height - 2}">{first}</text>')
    if len(summaries) > 1:
        parts.append(f'<text x="{width}" y="{height - 2}" text-anchor="end">{last}</text>')
    parts.append(f'<text x="{width}" y="9" text-anchor="end">max {peak}</text></svg>')
    return "".join(parts)


def area_chart_svg(summaries: Sequence[dict[str, object]], width: int = 276, height: int = 64) -> str:
    """Return an inline SVG chart of estimated km2 gained per period: Ukraine above the axis, Russia below."""
    if not summaries or "gained_km2" not in summaries[0]:
        return ""
    mid = height // 2 - 4
    gains = [(int(s["gained_km2"]["UA"]), int(s["gained_km2"]["RU"])) for s in summaries]  # type: ignore[index]
    peak = max(max(max(g) for g in gains), 1)
    step = width / len(summaries)
    bar = max(step * 0.72, 1.0)
    half = mid - 4
    parts = [
        f'<svg class="fl-chart fl-area-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Estimated km2 gained per period">'
    ]
    for i, (summary, (ua, ru)) in enumerate(zip(summaries, gains, strict=True)):
        lost: dict[str, int] = summary["lost_km2"]  # type: ignore[assignment]
        tip = (
            f"{summary['label']}: Ukraine +{ua:,} / -{lost['UA']:,} km\u00b2, "
            f"Russia +{ru:,} / -{lost['RU']:,} km\u00b2 (estimate)"
        )
        x = i * step
        parts.append(
            f'<g class="fl-bar" data-index="{i}"><title>{_esc(tip)}</title>'
            f'<rect class="fl-hit" x="{x:.2f}" y="0" width="{step:.2f}" height="{height - 12}"></rect>'
        )
        if ua:
            h = ua / peak * half
            parts.append(
                f'<rect x="{x + (step - bar) / 2:.2f}" y="{mid - h:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                f'fill="{SIDE_COLORS["UA"]}"></rect>'
            )
        if ru:
            h = ru / peak * half
            parts.append(
                f'<rect x="{x + (step - bar) / 2:.2f}" y="{mid:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                f'fill="{SIDE_COLORS["RU"]}"></rect>'
            )
        parts.append("</g>")
    parts.append(f'<line x1="0" y1="{mid}" x2="{width}" y2="{mid}" stroke="#999"></line>')
    parts.extend(_gap_marks(summaries, step, height - 12))
    parts.append(f'<text x="0" y="{height - 2}">{_esc(summaries[0]["label"])}</text>')
    if len(summaries) > 1:
        parts.append(f'<text x="{width}" y="{height - 2}" text-anchor="end">{_esc(summaries[-1]["label"])}</text>')
    parts.append(f'<text x="{width}" y="9" text-anchor="end">max {peak:,} km\u00b2</text></svg>')
    return "".join(parts)


def _legend_html() -> str:
    def dot(fill: str, stroke: str, r: float = 5, width: float = 1.5, dash: str = "", opacity: float = 0.85) -> str:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg width="20" height="20" viewBox="0 0 20 20"><circle cx="10" cy="10" r="{r}" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{width}"{dashed}></circle></svg>'
        )

    def swatch(fill: str, line: str = "", dash: str = "") -> str:
        if line:
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            return (
                f'<svg width="20" height="20" viewBox="0 0 20 20"><line x1="1" y1="10" x2="19" y2="10" '
                f'stroke="{line}" stroke-width="3"{dashed}></line></svg>'
            )
        return (
            f'<svg width="20" height="20" viewBox="0 0 20 20"><rect x="2" y="4" width="16" height="12" '
            f'fill="{fill}" fill-opacity="0.3" stroke="none"></rect></svg>'
        )

    items = [dot(SIDE_COLORS[s], SIDE_COLORS[s]) + SIDE_LABELS[s] for s in SIDE_ORDER]
    items += [
        dot(SIDE_COLORS["UA"], "#222", dash="3 2", opacity=0.55)
        + dot(SIDE_COLORS["RU"], "#222", dash="3 2", opacity=0.55)
        + "Claimed only (side's colour, dashed outline)",
        dot(SIDE_COLORS["RU"], SIDE_COLORS["RU"], opacity=0.25).replace(
            'stroke-width="1.5"', 'stroke-width="1.5" stroke-opacity="0.45"'
        )
        + "Stale: no report for the cut-off",
        dot(SIDE_COLORS["UA"], "#111", r=8, width=3) + "Changed this period",
        dot(SIDE_COLORS["RU"], "#fff", r=4, width=1, opacity=0.9) + "Report (All reports)",
        dot("#fff", SIDE_COLORS["RU"], r=4, width=2, dash="2 2", opacity=0.9) + "Undated report",
        swatch(SIDE_COLORS["UA"]) + swatch(SIDE_COLORS["RU"]) + swatch(SIDE_COLORS["contested"])
        + "Estimated area (UA, RU, contested)",
        swatch("", "#111") + "Estimated front line (UA | RU)",
        swatch("", "#444", "4 3") + "Edge of a contested area",
        swatch("", "#8a8a8a") + "Oblast border (approximate)",
    ]
    # Items with two or three swatches or a long text take the legend's full width.
    return (
        '<ul class="fl-legend">'
        + "".join(
            f'<li class="fl-legend-wide">{item}</li>' if item.count("<svg") > 1 or len(re.sub("<[^>]*>", "", item)) > 24
            else f"<li>{item}</li>"
            for item in items
        )
        + "</ul>"
    )


def _date_span(timeline: Timeline, events: Sequence[Event]) -> str:
    # States share their events tuples from period to period: each distinct tuple is read once.
    tuples = {id(s.events): s.events for states in timeline.states.values() for s in states}
    days = sorted({e.date for e in itertools.chain(events, *tuples.values()) if e.date})
    if not days:
        return "no dated reports"
    first, last = days[0], days[-1]
    return first.isoformat() if first == last else f"{first.isoformat()} \u2013 {last.isoformat()}"


def _panel_html(timeline: Timeline, events: Sequence[Event], title: str, summaries: list[dict[str, object]]) -> str:
    n_periods = len(timeline.periods)
    facts = [
        f"{len(timeline.places)} place{'s' * (len(timeline.places) != 1)}",
        f"{len(events)} report{'s' * (len(events) != 1)}",
    ]
    if timeline.undated:
        facts.append(f"{len(timeline.undated)} undated")
    if n_periods:
        facts.append(f"{n_periods} {_esc(timeline.period_size)} period{'s' * (n_periods != 1)}")
    joined = " \u00b7 ".join(facts)
    span = _date_span(timeline, events)
    dated = "Undated reports only: no period to show" if span == "no dated reports" else f"Reports dated {span}"
    head = (
        '<div class="fl-head"><h1 id="fl-title">'
        f'{_esc(title)}</h1><button id="fl-toggle" type="button" aria-expanded="true" aria-controls="fl-body" '
        'title="Show or hide the panel">\u2630</button></div>'
        f'<div class="fl-span" id="fl-span">{_esc(dated)}<br>{joined}</div>'
    )
    if not n_periods:
        body = '<div class="fl-section">No dated control changes to show.</div>'
    else:
        rows = "".join(
            f'<tr><td><span class="fl-swatch" style="background:{SIDE_COLORS[s]}"></span>{SIDE_LABELS[s]}</td>'
            f'<td id="fl-held-{s.lower()}">0</td><td id="fl-stale-{s.lower()}">0</td>'
            f'<td id="fl-to-{s.lower()}">0</td></tr>'
            for s in SIDE_ORDER
        )
        area_rows = "".join(
            f'<tr><td><span class="fl-swatch" style="background:{SIDE_COLORS[s]}"></span>{SIDE_LABELS[s]}</td>'
            f'<td id="fl-area-{s.lower()}">0</td><td id="fl-gain-{s.lower()}">0</td>'
            f'<td id="fl-loss-{s.lower()}">0</td></tr>'
            for s in AREA_SIDES
        )
        area_section = (
            '<div class="fl-section"><table class="fl-summary" id="fl-areas"><thead><tr>'
            '<th>Estimated area</th><th>km\u00b2</th><th>gained</th><th>lost</th></tr></thead>'
            f'<tbody>{area_rows}</tbody></table><div class="fl-note" id="fl-area-note"></div>'
            '<div>km\u00b2 gained per period (Ukraine up, Russia down)</div>'
            f"{area_chart_svg(summaries)}</div>"
            if summaries and "area_km2" in summaries[0]
            else ""
        )
        body = (
            '<div class="fl-section"><div class="fl-period-row">'
            '<button id="fl-prev" type="button" title="Previous period" aria-label="Previous period">\u25c0</button>'
            '<button id="fl-play" type="button" title="Play through periods" aria-label="Play">\u25b6</button>'
            '<button id="fl-next" type="button" title="Next period" aria-label="Next period">\u25b6\u2759</button>'
            '<span id="fl-period"></span></div><div id="fl-period-span"></div>'
            f'<input id="fl-slider" type="range" min="0" max="{n_periods - 1}" step="1" value="{n_periods - 1}" '
            'aria-label="Period">'
            '<table class="fl-summary" id="fl-summary"><thead><tr><th>End of period</th><th>places held</th>'
            f"<th>of them stale</th><th>changes to</th></tr></thead><tbody>{rows}</tbody></table></div>"
            f"{area_section}"
            '<div class="fl-section"><div>Changes per period (click a bar)</div>'
            f"{changes_chart_svg(summaries)}</div>"
        )
    legend = f'<div class="fl-section">{_legend_html()}<div class="fl-note">Click a place for its sources.</div></div>'
    return f'<div id="fl-panel" class="leaflet-control">{head}<div id="fl-body">{body}{legend}</div></div>'
