"""The link chart at 5,000 nodes in headless Chromium: from navigation to interactive (issue 6).

    python benchmarks/link_chart.py                      # 5,000 nodes, 3 loads per renderer
    python benchmarks/link_chart.py --nodes 5000 --edges 7500 --runs 5
    python benchmarks/link_chart.py --renderers automatic  # only the page's own choice
    git show f453003~1:frontend/js/link-chart.mjs > /tmp/before.mjs
    python benchmarks/link_chart.py --script /tmp/before.mjs  # another version of the script

SYNTHETIC DATA. The page is Cairn's real link chart page (`/networks/chart/`), served by Django's
live server to a signed-in analyst around a real (synthetic) node, running the real
`frontend/js/link-chart.mjs` and Cytoscape.js from `npm run build`. Its request for the chart's
JSON is answered with a synthetic graph of `--nodes` nodes and `--edges` links ("Synthetic
person 17", phones +447700 9xxxxx, some restricted stubs), in the JSON format of
docs/formats/link-chart.md: the server caps one node's links at 200, so a chart this large is
what about 25 expansions build; this measures the browser's side, which grows with the chart.

Debian's Chromium (/usr/bin/chromium, never a downloaded browser) runs headless with the browser
tests' launch arguments (`src/cairn/core/tests/browser/conftest.py`). Its WebGL 2 is SwiftShader's
software rasteriser, so the chart chooses Cytoscape's canvas renderer; a second set of loads
asks for the WebGL renderer (`?renderer=webgl`). Figures, per load:

- ready_ms: from the start of navigation (the page's `performance.timeOrigin`) to the chart
  marking itself ready (`data-ready="true"` on `#link-chart`, set once the laid-out chart has
  been drawn and its handlers are attached; the tables follow when the browser is idle);
- page_ms, fetched_ms, layout_ms, elements_ms, drawn_ms, tables_ms: when each phase ended, from
  the start of navigation (the page's DOMContentLoaded, then the script's own
  `performance.measure`s: JSON fetched and parsed, positions computed, Cytoscape made with the
  elements, first frame drawn, tables filled);
- wall_ms: the same seen from Python, from `page.goto` to Playwright seeing the attribute;
- browser_cpu_ms: the CPU time Chromium's processes (and the Playwright driver) used meanwhile,
  summed over processes and cores: on a busy machine, the work the load took whatever else ran;
- load_average: the machine's one-minute load average as the load began (2 cores);
- tap_ms: a double tap on the centre node (where Cytoscape drew it) until the chart's handler
  asks the server for that node's links (to expand it): the chart answers input;
- redraw_ms: from that double tap until the chart is ready again (fetch, merge, lay out and
  draw again); redraw_layout_ms ... redraw_tables_ms: that drawing's phases, from its start.

The live server is warmed with one request first (its first request imports every URL module).

Printed and written to `var/benchmarks/link_chart.json`. The machine is shared: wall-clock
figures include waiting for other work.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

if apps.ready:
    # Under pytest (see `main`), Django is set up: Cairn's fixtures for a signed-in analyst.
    from cairn.conftest import _fast_password_hashing, _reset_lockouts, make_user, sign_in

    __all__ = ["_fast_password_hashing", "_reset_lockouts", "make_user", "sign_in"]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "benchmarks" / "link_chart.json"
# Record, from the page itself, when the chart first says it is ready (Playwright injects this
# before the page's own scripts; it is not part of Cairn).
READY_PROBE = """
new MutationObserver((changes, observer) => {
  for (const change of changes) {
    if (change.target.id === "link-chart" && change.target.dataset.ready === "true") {
      window.__chartReadyAt = performance.now();
      observer.disconnect();
    }
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-ready"] });
"""
# When each phase of the first drawing ended, from the start of navigation: the page's own
# `performance.measure`s (link-chart.mjs), after the page's HTML and scripts.
PHASES = """
Object.fromEntries([
  ["page", performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd],
  ...performance.getEntriesByType("measure")
    .filter((entry) => entry.name.startsWith("chart: "))
    .map((entry) => [entry.name, entry.startTime + entry.duration]),
])
"""
# The tables filled after the chart's first drawing (once, then twice with the redraw); a script
# without these measures (an earlier version, see --script) is not waited for.
TABLES_MEASURED = 'performance.getEntriesByName("chart: tables").length'
UNMEASURED = '!performance.getEntriesByName("chart: drawn").length'
TABLES_FILLED = f"{TABLES_MEASURED} > 0 || {UNMEASURED}"
# How long each phase of the drawing after expanding took from its start (the last of each).
REDRAW_PHASES = """
Object.fromEntries(performance.getEntriesByType("measure")
  .filter((entry) => entry.name.startsWith("chart: ") && entry.name !== "chart: fetched")
  .map((entry) => [entry.name, entry.duration]))
"""
# Where the centre node is drawn, in the page's coordinates. At 5,000 nodes the chart is fitted
# so far out that a node is 2 or 3 pixels across, and the centre need not be the chart's middle
# pixel: Cytoscape keeps its instance on its container (`_cyreg`, not a public API, read here
# only to aim the tap).
CENTRE_ON_SCREEN = """
(() => {
  const container = document.getElementById("link-chart");
  const node = container._cyreg.cy.getElementById(container.dataset.node);
  const box = container.getBoundingClientRect();
  const { x, y } = node.renderedPosition();
  // Cytoscape's coordinates start inside the container's border; the mouse moves by whole pixels.
  const left = box.x + container.clientLeft;
  const top = box.y + container.clientTop;
  return [Math.round(left + x), Math.round(top + y)];
})()
"""
TWO_FRAMES = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
KINDS = ["person", "phone", "vehicle", "location", "event", "young_person"]


def synthetic_graph(centre: str, nodes: int, edges: int) -> dict[str, Any]:
    """A chart of `nodes` nodes and `edges` links around `centre`: the centre is linked to 200
    nodes (a server page of links), the rest hang off earlier nodes, one in twenty restricted."""
    import random

    rng = random.Random(1)  # noqa: S311 — reproducible synthetic data, not a secret
    keys = [centre]
    chart_nodes: list[dict[str, Any]] = [
        {"id": centre, "kind": "young_person", "label": "Centre", "url": "#", "restricted": False}
    ]
    for number in range(1, nodes):
        if number % 20 == 0:
            key = f"restricted-{number:016x}"
            chart_nodes.append(
                {
                    "id": key,
                    "kind": "restricted",
                    "label": "Restricted",
                    "url": "",
                    "restricted": True,
                }
            )
        else:
            kind = KINDS[number % len(KINDS)]
            key = f"{kind}:{900000 + number}"
            label = (
                f"+447700{900000 + number % 100000:06d}"
                if kind == "phone"
                else f"Synthetic {kind.replace('_', ' ')} {number}"
            )
            chart_nodes.append(
                {"id": key, "kind": kind, "label": label, "url": "#", "restricted": False}
            )
        keys.append(key)
    pairs: set[tuple[int, int]] = set()
    for number in range(1, nodes):
        parent = 0 if number <= 200 else rng.randrange(1, number)
        pairs.add((parent, number))
    while len(pairs) < edges:
        first, second = sorted(rng.sample(range(1, nodes), 2))
        pairs.add((first, second))
    links = [
        {
            "id": f"edge-{index}",
            "source": keys[first],
            "target": keys[second],
            "count": 1 + index % 4,
            "first_seen": "2026-01-05",
            "last_seen": "2026-03-14",
            "grading": "2B",
            "provenance": f"/networks/links/{index}/",
        }
        for index, (first, second) in enumerate(sorted(pairs))
    ]
    return {"nodes": chart_nodes, "edges": links}


def browser_cpu_seconds() -> float:
    """CPU time used so far by this process's children (the Playwright driver and Chromium's
    processes), from /proc: on a shared machine, what the chart cost whatever else ran."""
    me, tick = os.getpid(), os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parent[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total = 0.0
    for pid, seconds in used.items():
        ancestor = parent.get(pid, 0)
        while ancestor not in (0, 1, me):
            ancestor = parent.get(ancestor, 0)
        if ancestor == me:
            total += seconds
    return total


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _keep(errors: list[str], error: object) -> None:
    errors.append(str(error))


def _wait_until(page: Any, expression: str, timeout: float = 120.0) -> None:
    """Poll `expression` from Python until it is true. Playwright's `wait_for_function` evaluates
    its predicate with `eval` inside the page, which Cairn's Content Security Policy refuses;
    `page.evaluate` goes through the DevTools protocol instead. The figures come from the page's
    own measures, so the polling interval does not change them."""
    deadline = time.perf_counter() + timeout
    while not page.evaluate(expression):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"Not true within {timeout:.0f} s: {expression}")
        time.sleep(0.02)


def _measure(page: Any, url: str, redraw: bool) -> dict[str, float]:
    load = _load_average()
    cpu = browser_cpu_seconds()
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector('#link-chart[data-ready="true"]', state="attached", timeout=120_000)
    wall = time.perf_counter() - started
    # The tables follow once the browser is idle: waited for, so their time is recorded too.
    _wait_until(page, TABLES_FILLED)
    figures = {
        "ready_ms": round(page.evaluate("window.__chartReadyAt"), 1),
        **{
            f"{name.removeprefix('chart: ')}_ms": round(end, 1)
            for name, end in page.evaluate(PHASES).items()
        },
        "wall_ms": round(1000 * wall, 1),
        "browser_cpu_ms": round(1000 * (browser_cpu_seconds() - cpu), 1),
        "load_average": load,
    }
    if redraw:
        page.locator("#link-chart").scroll_into_view_if_needed()
        # Cytoscape learns where its container is from the page's scroll event, dispatched with
        # the next frame: a tap before then lands where the chart was before scrolling.
        page.evaluate(TWO_FRAMES)
        x, y = page.evaluate(CENTRE_ON_SCREEN)
        tapped = time.perf_counter()
        # A double tap on the centre expands it: its handler asks the server for its links, then
        # draws the chart again.
        with page.expect_request("**/networks/chart/graph.json*"):
            page.mouse.dblclick(x, y)
        figures["tap_ms"] = round(1000 * (time.perf_counter() - tapped), 1)
        page.wait_for_selector('#link-chart[data-ready="true"]', state="attached", timeout=120_000)
        figures["redraw_ms"] = round(1000 * (time.perf_counter() - tapped), 1)
        _wait_until(page, f"{TABLES_MEASURED} >= 2 || {UNMEASURED}")
        figures.update(
            {
                f"redraw_{name.removeprefix('chart: ')}_ms": round(duration, 1)
                for name, duration in page.evaluate(REDRAW_PHASES).items()
            }
        )
    return figures


@pytest.mark.django_db(transaction=True)
def test_a_synthetic_chart_of_thousands_of_nodes_loads_in_headless_chromium(
    live_server: Any,
    make_user: Callable[..., Any],
    sign_in: Callable[[Any], Any],
) -> None:
    """Run by `main` below through pytest (for the live server and a signed-in analyst)."""
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from cairn.access.actor import Actor
    from cairn.access.permissions import Role
    from cairn.access.tests.factories import TeamFactory
    from cairn.core.tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from cairn.linkage.models import PersonEntity
    from cairn.networks import services
    from cairn.networks.tests.factories import resolved_report
    from cairn.youngpeople.tests.factories import YoungPersonFactory

    pytest.importorskip("playwright")
    nodes = int(os.environ["CAIRN_CHART_NODES"])
    edges = int(os.environ["CAIRN_CHART_EDGES"])
    runs = int(os.environ["CAIRN_CHART_RUNS"])
    script_path = os.environ.get("CAIRN_CHART_SCRIPT", "")
    script = Path(script_path).read_text(encoding="utf-8") if script_path else ""
    # factory_boy's factories are untyped: what they make is a Team and a YoungPerson.
    team: Any = TeamFactory(name="Benchmark team")
    ellie: Any = YoungPersonFactory(holding_team=team, given_name="Synthetic")
    tiger = PersonEntity.objects.create(display_name="Synthetic Tiger")
    resolved_report(
        team, at=datetime(2026, 3, 14, 22, tzinfo=UTC), people=[tiger], young_people=[ellie]
    )
    services.network_rebuild(actor=Actor.system())
    centre = f"young_person:{ellie.pk}"
    body = json.dumps(synthetic_graph(centre, nodes, edges))
    client = sign_in(make_user(Role.ANALYST, team=team))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    path = f"/networks/chart/?node={centre}"
    # The server's first request imports every URL module (seconds on a busy machine): not the
    # chart's time, so it is spent before measuring.
    assert client.get(path).status_code == 200
    url = f"{live_server.url}{path}"
    results: dict[str, Any] = {
        "synthetic": True,
        "nodes": nodes,
        "edges": len(json.loads(body)["edges"]),
        "json_bytes": len(body),
        "script": script_path or "frontend/build/js/link-chart.mjs",
        "chromium": "",
        "renderers": {},
    }
    # The chart chooses its renderer (WebGL 2 from a graphics card, else canvas); here Chromium
    # has only SwiftShader's software WebGL, so the page is also asked for WebGL outright.
    variants = {
        name: query
        for name, query in {
            "automatic (canvas: the WebGL here is software)": "",
            "webgl (asked for with ?renderer=webgl)": "&renderer=webgl",
        }.items()
        if name.split()[0] in os.environ["CAIRN_CHART_RENDERERS"].split(",")
    }
    with sync_playwright() as playwright:
        for name, query in variants.items():
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            results["chromium"] = browser.version
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            context.add_init_script(READY_PROBE)
            context.route(
                "**/networks/chart/graph.json*",
                lambda route: route.fulfill(body=body, content_type="application/json"),
            )
            if script:
                # Another version of the chart's script (an earlier commit's, to compare).
                context.route(
                    "**/build/js/link-chart.mjs",
                    lambda route: route.fulfill(body=script, content_type="text/javascript"),
                )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", partial(_keep, errors))
            loads = [_measure(page, url + query, redraw=True) for _ in range(runs)]
            renderer = page.get_attribute("#link-chart", "data-renderer")
            assert not errors, errors
            # The tables list the first rows, and offer the rest.
            show_all = page.get_by_role("button", name=f"Show all {nodes} nodes")
            assert show_all.count() == 1
            results["renderers"][name] = {
                "renderer": renderer,
                "loads": loads,
                **{
                    f"median_{key}": statistics.median(load[key] for load in loads)
                    for key in loads[0]
                },
            }
            browser.close()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=7500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--renderers",
        default="automatic,webgl",
        help="comma-separated: automatic (the page's own choice), webgl (asked for)",
    )
    parser.add_argument(
        "--script",
        type=Path,
        help="serve this file as link-chart.mjs instead of the built one (to compare versions)",
    )
    args = parser.parse_args(argv)
    if not (ROOT / "frontend" / "build" / "js" / "link-chart.mjs").exists():
        sys.exit("Run `npm run build` first: the page loads the built scripts.")
    env = {
        **os.environ,
        "CAIRN_CHART_NODES": str(args.nodes),
        "CAIRN_CHART_EDGES": str(args.edges),
        "CAIRN_CHART_RUNS": str(args.runs),
        "CAIRN_CHART_RENDERERS": args.renderers,
        "CAIRN_CHART_SCRIPT": str(args.script.resolve()) if args.script else "",
    }
    # pytest for Django's live server, a test database and Cairn's signed-in-user fixtures.
    subprocess.run(  # noqa: S603 — this interpreter's own pytest on this file
        [sys.executable, "-m", "pytest", __file__, "-q", "-x"],
        check=True,
        cwd=ROOT,
        env=env,
    )
    results = json.loads(OUT.read_text(encoding="utf-8"))
    print(
        f"Synthetic chart: {results['nodes']:,} nodes, {results['edges']:,} links, "
        f"{results['json_bytes']:,} bytes of JSON; Chromium {results['chromium']}; "
        f"script {results['script']}"
    )
    for name, figures in results["renderers"].items():
        medians = ", ".join(
            f"{key.removeprefix('median_')} {value:.0f}"
            for key, value in figures.items()
            if key.startswith("median_")
        )
        loads = "; ".join(
            ", ".join(f"{key} {value:.0f}" for key, value in load.items())
            for load in figures["loads"]
        )
        print(f"{name} (drawn by {figures['renderer']}): median {medians} ms [{loads}]")
    print(f"Wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
