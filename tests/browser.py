"""Shared helpers for the browser tests: Debian's Chromium through Playwright, and a recording page.

Chromium cannot be downloaded here: Playwright drives the system's `/usr/bin/chromium`.
`RecordedPage` keeps what a test asserts on: console errors and warnings, uncaught page
errors, every requested URL, dialogs (dismissed at once) and Content-Security-Policy
violations (caught by a listener installed before any page script runs).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

from site_helpers import ROOT
from tools.chromium import launch  # noqa: F401 (re-exported for the tests)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Generous: the machine is small and shared. These bound a wait; they measure nothing.
WAIT_MS = 60_000

# Runs in every document before its own scripts: keep and report CSP violations.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const report = {
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: location.href,
  };
  (window.__tsCspViolations = window.__tsCspViolations || []).push(report);
  if (window.__tsReportCsp) window.__tsReportCsp(report);
}, true);
"""

# CLDR French month abbreviations, written here independently of the product's formatter.
FRENCH_SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
MISSING = "—"


@dataclass
class RecordedPage:
    """A Playwright page (alone in its context) and everything it reported since it was opened."""

    page: Page
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text) of errors and warnings
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[tuple[str, str]] = field(default_factory=list)  # (type, message), each dismissed
    reported_csp: list[dict] = field(default_factory=list)  # every violation, all documents
    failed: list[str] = field(default_factory=list)  # "status url" of HTTP errors and failed requests

    def goto(self, url: str):
        """Open url and wait for its load event; fail on an HTTP error status."""
        response = self.page.goto(url, wait_until="load", timeout=WAIT_MS)
        assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '?'}"
        return response

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"]

    def problems(self) -> list[str]:
        """Return console errors, uncaught page errors, HTTP errors and dialogs, one line each."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"HTTP: {text}" for text in self.failed]
            + [f"dialog {kind}: {message}" for kind, message in self.dialogs]
        )

    def csp_violations(self) -> list[dict]:
        """Return the current document's CSP violations, once the events queued so far have run."""
        in_page = self.page.evaluate(
            "() => new Promise((resolve) => setTimeout(() => resolve(window.__tsCspViolations || []), 50))"
        )
        return in_page

    def settle(self) -> None:
        """Wait until the network has been idle for a moment (lazy loads done)."""
        self.page.wait_for_load_state("networkidle", timeout=WAIT_MS)

    def requests_leaving(self, base_url: str) -> list[str]:
        """Return the requested URLs that base_url's host and port did not serve (data: and blob: stay local)."""
        origin = urlsplit(base_url)
        leaving = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if (parts.scheme, parts.hostname, parts.port) != (origin.scheme, origin.hostname, origin.port):
                leaving.append(url)
        return leaving

    def plotly_requests(self) -> list[str]:
        """Return the requests for plotly.js, its locale or its stylesheet."""
        return [url for url in self.requests if "plotly" in urlsplit(url).path.rsplit("/", 1)[-1].lower()]

    def close(self) -> None:
        self.page.context.close()


def open_page(browser: Browser, **context_options) -> RecordedPage:
    """Open a fresh context and page, recording console, page errors, requests, dialogs and CSP violations."""
    context_options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**context_options)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    recorded = RecordedPage(page)

    def on_console(message):
        if message.type in ("error", "warning"):
            recorded.console.append((message.type, message.text))

    def on_dialog(dialog):
        recorded.dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: recorded.page_errors.append(str(error)))
    page.on("request", lambda request: recorded.requests.append(request.url))
    page.on("dialog", on_dialog)
    page.on(
        "response",
        lambda response: response.status >= 400 and recorded.failed.append(f"{response.status} {response.url}"),
    )
    page.on("requestfailed", lambda request: recorded.failed.append(f"{request.failure} {request.url}"))
    if context_options.get("java_script_enabled", True):
        page.expose_function("__tsReportCsp", lambda report: recorded.reported_csp.append(report))
        page.add_init_script(CSP_LISTENER)
    return recorded


def chart_states(page: Page) -> list[dict]:
    """Return each .ts-chart's id and state: drawn, failed or pending."""
    return page.eval_on_selector_all(
        ".ts-chart",
        """charts => charts.map(c => ({
            id: c.id,
            state: c.classList.contains("ts-chart--failed") ? "failed"
                 : c.classList.contains("ts-chart--drawn") ? "drawn" : "pending",
        }))""",
    )


def draw_all_charts(page: Page, timeout_ms: int = WAIT_MS) -> int:
    """Scroll chart by chart until every .ts-chart is drawn; return how many there are.

    A chart the build drew as an image waits for the reader: the pointer goes over it, as a
    reader's would. A chart without an image is drawn when it comes near the viewport. Each
    chart is scrolled into view and awaited. Fails naming the charts that failed or never drew.
    """
    charts = page.locator(".ts-chart")
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        if chart.locator(".ts-chart__plot--image").count():
            chart.locator(".ts-chart__plot").hover()
        chart.evaluate(
            """(chart, timeout) => new Promise((resolve) => {
                const done = () => chart.classList.contains("ts-chart--drawn")
                                || chart.classList.contains("ts-chart--failed");
                if (done()) return resolve();
                const observer = new MutationObserver(() => {
                    if (done()) { observer.disconnect(); resolve(); }
                });
                observer.observe(chart, { attributes: true, attributeFilter: ["class"] });
                setTimeout(() => { observer.disconnect(); resolve(); }, timeout);
            })""",
            timeout_ms,
        )
    states = chart_states(page)
    not_drawn = [f"#{s['id']} ({s['state']})" for s in states if s["state"] != "drawn"]
    assert not not_drawn, f"{len(not_drawn)} of {count} chart(s) not drawn on {page.url}: {', '.join(not_drawn)}"
    page.evaluate("window.scrollTo(0, 0)")
    return count


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# --- The figures plotted against the figures in the chart's table ---------------------------

READ_CHARTS = """charts => charts.map(chart => {
  const plot = chart.querySelector(".ts-chart__plot");
  const script = plot && document.getElementById(plot.getAttribute("data-plot"));
  const table = chart.querySelector("details.ts-chart__data table");
  const text = (node) => node ? node.textContent.trim() : null;
  return {
    id: chart.id,
    json: script ? script.textContent : null,
    heads: table ? Array.from(table.querySelectorAll("thead th"), text) : [],
    rows: table ? Array.from(table.querySelectorAll("tbody tr"), (tr) => ({
      header: text(tr.querySelector("th")),
      cells: Array.from(tr.querySelectorAll("td"), text),
    })) : [],
  };
})"""


def read_charts(page: Page) -> list[dict]:
    """Return, per chart: id, figure JSON text, table column headers and rows (header, cells)."""
    return page.eval_on_selector_all(".ts-chart", READ_CHARTS)


def french_date(iso: str) -> str:
    """Return "5 janv. 2017" for "2017-01-05", "1er févr. 2017" for "2017-02-01"."""
    day = dt.date.fromisoformat(iso[:10])
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_SHORT_MONTHS[day.month - 1]} {day.year}"


def amount_of(display: str) -> float:
    """Read a displayed figure back as a number: "≥ 145 000" -> 145000, "2,5" -> 2.5."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", display).lstrip("≥≤≈")
    return float(digits.replace(",", "."))


def plotted_cells(figure: dict) -> tuple[set[tuple[str, str, str]], list[str]]:
    """Return the (row, column, text) table cells the figure's points call for, and mismatches.

    A mismatch is a point whose display string (customdata/text) does not read as its plotted value.
    """
    cells, mismatches = set(), []  # trace names are literal for plotly.js ("&lt;b&gt;"): read back as typed

    def expect(row, column, display, amount):
        cells.add((row, column, display))
        if amount_of(display) != amount:
            mismatches.append(f"{column} / {row}: {display!r} shown for {amount}")

    for trace in figure["data"]:
        if trace.get("orientation") == "h":  # latest: one bar per metric, text "value (when)"
            for label, amount, text in zip(trace["y"], trace["x"], trace["text"], strict=False):
                value, _, when = text.rpartition(" (")
                expect(label, "Chiffre", value, amount)
                cells.add((label, "Date", when.removesuffix(")")))
        elif trace["type"] == "bar":  # periods on x, their labels as in the table
            for period, amount, text in zip(trace["x"], trace["y"], trace["text"], strict=False):
                expect(period, html.unescape(trace["name"]), text, amount)
        else:  # lines and areas: dates on x, a period's label in text
            rows = trace.get("text") or [french_date(x) for x in trace["x"]]
            indexed = "Indice" in str(figure["layout"].get("yaxis", {}).get("title", ""))
            for row, amount, display in zip(rows, trace["y"], trace["customdata"], strict=False):
                if indexed:  # scale: index: the hover says "index (real figure)", the table "real (indice index)"
                    index, _, real = display.partition(" (")
                    cells.add((row, html.unescape(trace["name"]), f"{real.removesuffix(')')} (indice\u00a0{index})"))
                    if amount is not None and amount_of(index) != amount:
                        mismatches.append(f"{trace['name']} / {row}: index {index!r} shown for {amount}")
                    continue
                expect(row, html.unescape(trace["name"]), display, amount)
    return cells, mismatches


def table_cells(chart: dict) -> set[tuple[str, str, str]]:
    """Return the (row, column, text) cells of a chart's table, without the "—" of missing figures."""
    columns = chart["heads"][1:]
    return {
        (row["header"], column, cell)
        for row in chart["rows"]
        for column, cell in zip(columns, row["cells"], strict=False)
        if cell != MISSING
    }


def table_problems(chart: dict) -> list[str]:
    """Compare a chart's plotted figures with its table, both ways; return the differences."""
    if chart["json"] is None:
        return [f"#{chart['id']}: no figure JSON"]
    if not chart["rows"]:
        return [f"#{chart['id']}: no table rows"]
    plotted, mismatches = plotted_cells(json.loads(chart["json"]))
    shown = table_cells(chart)
    problems = [f"#{chart['id']}: {m}" for m in mismatches]
    problems += [f"#{chart['id']}: plotted, not in the table: {c}" for c in sorted(plotted - shown)]
    problems += [f"#{chart['id']}: in the table, not plotted: {c}" for c in sorted(shown - plotted)]
    if not plotted:
        problems.append(f"#{chart['id']}: no point plotted")
    return problems
