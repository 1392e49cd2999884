"""The HTML report: one self-contained file (inline CSS, inline SVG charts, a few lines of JS, no CDN)."""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from string import Template
from typing import TYPE_CHECKING, Any

from evals.metrics import METRICS, format_value

if TYPE_CHECKING:
    from evals.runner import EvalRun

_PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deskhand eval · $title</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1d1d1f;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px}
.muted{color:#6b6b6b}
table{border-collapse:collapse;background:#fff;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #e6e6e6;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{background:#f0f0f3;position:sticky;top:0}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:10px 14px;min-width:110px}
.card b{display:block;font-size:20px}
.charts{display:flex;flex-wrap:wrap;gap:20px}
.chart{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:10px}
details{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:6px 0;padding:6px 10px}
summary{cursor:pointer}
.pass{color:#137333}
.fail{color:#b3261e}
.error{color:#8a4b00}
.invalid{color:#6b6b6b}
.badge{display:inline-block;min-width:44px;font-weight:600}
.turn{border-left:3px solid #d0d7de;margin:8px 0;padding:2px 10px}
.user{font-weight:600}
.bot{white-space:pre-wrap;background:#f6f8fa;padding:6px;border-radius:4px;margin:4px 0}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
pre{white-space:pre-wrap;background:#f6f8fa;padding:6px;border-radius:4px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.tag{background:#eef;border-radius:3px;padding:0 4px;margin-right:3px;font-size:12px}
#filter{margin:6px 0;padding:4px 8px;width:320px}
</style></head><body>
<h1>deskhand eval · $title</h1>
<div class="muted">$meta</div>
<h2>Overall</h2><div class="cards">$cards</div>
$passk
<h2>Charts</h2><div class="charts">$charts</div>
$workbench
<h2>By tag</h2>
<div style="overflow:auto;max-height:560px">$tag_table</div>
<h2>Cases</h2>
<div><input id="filter" placeholder="filter by id, tag or text">
<label><input type="checkbox" id="failedOnly"> failed only</label></div>
<div id="cases">$cases</div>
<script>
(function(){var f=document.getElementById('filter'),o=document.getElementById('failedOnly');
function apply(){var q=f.value.toLowerCase();document.querySelectorAll('#cases>details').forEach(function(d){
var show=(!q||d.dataset.search.indexOf(q)>=0)&&(!o.checked||d.dataset.status!=='pass');
d.style.display=show?'':'none';});}
f.addEventListener('input',apply);o.addEventListener('change',apply);})();
</script>
</body></html>
""")


def _svg_open(width: int, height: int, title: str) -> str:
    size = f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
    return f'<svg {size} role="img" aria-label="{escape(title)}">'


def _bar_chart(
    title: str, rows: list[tuple[str, float | None]], *, width: int = 420, percent: bool = True, colour: str = "#3b6fd4"
) -> str:
    """Horizontal bars, one per row; values 0..1 when ``percent``."""
    bar_h, gap, label_w = 16, 6, 150
    height = 26 + len(rows) * (bar_h + gap)
    top = max([v for _, v in rows if v is not None] + [1e-9])
    scale = 1.0 if percent else top
    parts = [
        _svg_open(width, height, title),
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 24 + i * (bar_h + gap)
        span = width - label_w - 60
        length = 0 if value is None else max(0.0, min(1.0, value / scale)) * span
        shown = "–" if value is None else (f"{100 * value:.0f}%" if percent else f"{value:.0f}")
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{escape(label[:24])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{span}" height="{bar_h}" fill="#eef0f4"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + span + 4}" y="{y + 12}" font-size="11">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _paired_chart(title: str, rows: list[tuple[str, float | None, float | None]], names: tuple[str, str]) -> str:
    """Two bars per row (deskhand vs a baseline), values 0..1."""
    width, bar_h, label_w = 420, 12, 150
    height = 44 + len(rows) * (2 * bar_h + 10)
    span = width - label_w - 50
    parts = [
        _svg_open(width, height, title),
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
        '<rect x="0" y="22" width="10" height="10" fill="#3b6fd4"/>',
        f'<text x="14" y="31" font-size="11">{escape(names[0])}</text>',
        '<rect x="120" y="22" width="10" height="10" fill="#b0b7c3"/>',
        f'<text x="134" y="31" font-size="11">{escape(names[1])}</text>',
    ]
    for i, (label, a, b) in enumerate(rows):
        y = 42 + i * (2 * bar_h + 10)
        parts.append(f'<text x="0" y="{y + 14}" font-size="11">{escape(label[:24])}</text>')
        for j, (value, colour) in enumerate(((a, "#3b6fd4"), (b, "#b0b7c3"))):
            yy = y + j * bar_h
            length = 0 if value is None else max(0.0, min(1.0, value)) * span
            parts.append(f'<rect x="{label_w}" y="{yy}" width="{length:.1f}" height="{bar_h - 1}" fill="{colour}"/>')
            shown = "–" if value is None else f"{100 * value:.1f}%"
            parts.append(f'<text x="{label_w + length + 4:.1f}" y="{yy + 10}" font-size="10">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram(title: str, values: list[float], *, bins: int = 12) -> str:
    """Latency histogram (ms), log-free linear bins."""
    width, height, pad = 420, 170, 28
    parts = [
        _svg_open(width, height, title),
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    if not values:
        parts.append('<text x="0" y="40" font-size="11">no turns</text></svg>')
        return "".join(parts)
    low, high = min(values), max(values)
    step = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / step))] += 1
    most = max(counts)
    bar_w = (width - pad) / bins
    chart_h = height - 50
    for i, c in enumerate(counts):
        h = chart_h * c / most if most else 0
        x = pad + i * bar_w
        parts.append(
            f'<rect x="{x:.1f}" y="{24 + chart_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="#5a8f3c">'
            f"<title>{low + i * step:.0f}–{low + (i + 1) * step:.0f} ms: {c}</title></rect>"
        )
    parts.append(f'<text x="{pad}" y="{height - 8}" font-size="10">{low:.0f} ms</text>')
    parts.append(f'<text x="{width - 60}" y="{height - 8}" font-size="10">{high:.0f} ms</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary_table(rows: dict[str, dict[str, Any]]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for _, label, _ in METRICS)
    body = []
    for name, summary in rows.items():
        cells = "".join(f"<td>{format_value(summary.get(key), kind)}</td>" for key, _, kind in METRICS)
        body.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    return f"<table><tr><th>tag</th>{head}</tr>{''.join(body)}</table>"


def _calls_table(expected: list[dict[str, Any]] | None, actual: list[dict[str, Any]], mode: str | None) -> str:
    exp = "<br>".join(
        escape(f"{c['name']}({json.dumps(c.get('args', {}), ensure_ascii=False)})") for c in expected or []
    )
    act = "<br>".join(escape(f"{c['name']}({json.dumps(c.get('args', {}), ensure_ascii=False)})") for c in actual)
    label = f"expected ({escape(mode)})" if mode else "expected"
    return (
        f'<div class="cols"><div><b>{label}</b><pre>{exp or "–"}</pre></div>'
        f"<div><b>actual</b><pre>{act or '–'}</pre></div></div>"
    )


def _turns_html(turns: list[dict[str, Any]]) -> str:
    out = []
    for t in turns:
        setup = ' <span class="muted">(earlier in thread, not graded)</span>' if t.get("setup") else ""
        route = f' <span class="muted">route: {escape(str(t.get("route")))} · {t.get("latency_ms", 0):.0f} ms</span>'
        parts = [
            f'<div class="turn"><div class="user">{escape(str(t.get("user")))}: '
            f"{escape(t.get('text', ''))}{setup}{route}</div>"
        ]
        for call in t.get("calls", []):
            parts.append(
                f"<div><code>→ {escape(call['name'])}"
                f"({escape(json.dumps(call['args'], ensure_ascii=False))})</code></div>"
            )
        for result in t.get("tool_results", []):
            parts.append(
                f'<div class="muted"><code>← {escape(result["name"])}: {escape(result["content"][:400])}</code></div>'
            )
        parts.append(f'<div class="bot">{escape(t.get("reply") or "(no reply)")}</div>')
        approval = t.get("approval")
        if approval:
            lines = "<br>".join(escape(a.get("summary") or "") for a in approval.get("actions", []))
            parts.append(f"<div><b>approval card</b><br>{lines}</div>")
        for d in t.get("decisions", []):
            text = d.get("reply") or d.get("notice") or ""
            parts.append(
                f"<div><b>auto-approver: {escape(str(d.get('decision')))}</b> → {escape(str(d.get('kind')))}"
                f'<div class="bot">{escape(text)}</div></div>'
            )
        parts.append("</div>")
        out.append("".join(parts))
    return "".join(out)


def _case_html(records: list[dict[str, Any]]) -> str:
    first = next((r for r in records if not r.get("passed")), records[0])
    passed = sum(bool(r.get("passed")) for r in records)
    status = first.get("status", "fail") if passed < len(records) else "pass"
    tags = "".join(f'<span class="tag">{escape(t)}</span>' for t in first.get("tags", []))
    trials = f" · {passed}/{len(records)} trials" if len(records) > 1 else ""
    body = [f'<p class="muted">{escape(first.get("description") or "")} {escape(first.get("source") or "")}</p>']
    if first.get("error"):
        body.append(f"<pre>{escape(str(first['error']))}\n{escape(first.get('traceback') or '')}</pre>")
    checks = first.get("checks", [])
    if checks:
        items = "".join(
            f'<li class="{"pass" if c["passed"] else "fail"}">{escape(c["name"])}: '
            f"{'ok' if c['passed'] else '; '.join(escape(d) for d in c['details'])}</li>"
            for c in checks
        )
        body.append(f"<ul>{items}</ul>")
    body.append(_turns_html(first.get("turns", [])))
    if first.get("expected_calls") is not None or first.get("actual_calls"):
        body.append(_calls_table(first.get("expected_calls"), first.get("actual_calls", []), first.get("tool_mode")))
    if first.get("state_diff"):
        body.append("<b>state diff (expected vs actual)</b><pre>" + escape("\n".join(first["state_diff"])) + "</pre>")
    if first.get("state_changes"):
        body.append("<b>what changed</b><pre>" + escape("\n".join(first["state_changes"])) + "</pre>")
    if first.get("judge"):
        body.append(f"<b>judge</b><pre>{escape(json.dumps(first['judge'], ensure_ascii=False))}</pre>")
    search = escape(
        " ".join(
            [first["case_id"], *first.get("tags", []), *(t.get("text", "") for t in first.get("turns", []))]
        ).lower()
    )
    return (
        f'<details data-status="{status}" data-search="{search}"><summary><span class="badge {status}">{status}</span> '
        f"<code>{escape(first['case_id'])}</code>{trials} {tags}</summary>{''.join(body)}</details>"
    )


def render_html(run: EvalRun) -> str:
    """The report for a run."""
    meta = run.meta
    s = run.summary
    title = f"{meta.get('model', '?')} · {meta.get('started', '')}"
    meta_line = " · ".join(
        escape(f"{k}: {v}")
        for k, v in meta.items()
        if k in ("model", "datasets", "tags", "repeat", "workers", "commit", "workbench", "duration_s")
    )
    card_keys = (
        "cases",
        "pass_rate",
        "route_accuracy",
        "tool_recall",
        "argument_accuracy",
        "outcome_accuracy",
        "side_effect_rate",
        "clarification_rate",
        "latency_p95_ms",
        "tokens_per_case",
        "cost_usd",
    )
    kinds = {k: (label, kind) for k, label, kind in METRICS}
    cards = "".join(
        f'<div class="card"><span class="muted">{escape(kinds[k][0])}</span>'
        f"<b>{format_value(s.get(k), kinds[k][1])}</b></div>"
        for k in card_keys
    )
    passk = ""
    if len(s.get("pass_hat_k") or {}) > 1:
        cells = "".join(f"<td>pass^{k}: {format_value(v, 'pct')}</td>" for k, v in s["pass_hat_k"].items())
        passk = f"<h2>pass^k over {meta.get('repeat')} trials</h2><table><tr>{cells}</tr></table>"
    tag_rows = [(tag, v.get("pass_rate")) for tag, v in run.by_tag.items()][:40]
    metric_rows = [
        (kinds[k][0], s.get(k))
        for k in (
            "pass_rate",
            "route_accuracy",
            "tool_precision",
            "tool_recall",
            "argument_accuracy",
            "outcome_accuracy",
            "side_effect_rate",
            "clarification_rate",
        )
    ]
    latencies = [v for r in run.records for v in (r.get("metrics") or {}).get("latency_ms", [])]
    charts = [
        _bar_chart("Pass rate by tag", tag_rows),
        _bar_chart("Overall metrics", metric_rows, colour="#7a5cc4"),
        _histogram("Latency per turn", latencies),
    ]
    workbench = ""
    if run.workbench:
        rows = []
        pairs = []
        for domain, w in run.workbench.items():
            rows.append(
                f"<tr><td>{escape(domain)}</td><td>{w['cases']}</td><td>{w['invalid']}</td>"
                f"<td>{format_value(w['outcome_accuracy'], 'pct')}</td>"
                f"<td>{format_value(w['side_effect_rate'], 'pct')}</td>"
                f"<td>{format_value(w.get('gpt4_accuracy'), 'pct')}</td>"
                f"<td>{format_value(w.get('gpt4_side_effect_rate'), 'pct')}</td></tr>"
            )
            pairs.append((domain, w["outcome_accuracy"], w.get("gpt4_accuracy")))
        charts.append(_paired_chart("WorkBench outcome accuracy", pairs, ("deskhand", "GPT-4 (published)")))
        workbench = (
            "<h2>WorkBench</h2><table><tr><th>domain</th><th>cases</th><th>invalid</th><th>outcome acc.</th>"
            "<th>side-effect rate</th><th>GPT-4 acc. (published)</th><th>GPT-4 side-effect</th></tr>"
            + "".join(rows)
            + '</table><p class="muted">GPT-4 with all tools: calendar 71/110 (64.5%), '
            "project management 31/80 (38.8%); overall 42.6% with 25.7% side-effect errors across all five domains.</p>"
        )
    by_case: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in run.records:
        by_case[record["case_id"]].append(record)
    cases = "".join(_case_html(records) for records in by_case.values())
    return _PAGE.substitute(
        title=escape(title),
        meta=meta_line,
        cards=cards,
        passk=passk,
        charts="".join(f'<div class="chart">{c}</div>' for c in charts),
        workbench=workbench,
        tag_table=_summary_table({"(all)": s, **run.by_tag}),
        cases=cases,
    )
