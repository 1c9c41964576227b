"""The lineage page, its JSON API and the overview, against a real ``policykg serve``.

Browser tests drive Debian's Chromium through Playwright (flags from /work/shared/FACTS.md)
and look at the drawing through Cytoscape itself (``window.policykgLineage``). Expected
instruments come from reading the corpus: CND resolution 64/4 (001_…) recalls its
resolutions 62/4 (pp10) and 61/8 (pp13) and reaffirms the 1961, 1971 and 1988 conventions
(pp1); 62/4 (000_…) recalls 61/8 (pp3).
"""

from __future__ import annotations

import io
import json
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import httpx
import networkx as nx
import pytest

from conftest import ROOT

B = "https://w3id.org/policykg"
R64_4 = f"{B}/resolution/CND/64/4"
CONVENTIONS = {
    f"{B}/treaty/single-convention-1961",
    f"{B}/treaty/psychotropic-convention-1971",
    f"{B}/treaty/trafficking-convention-1988",
}
EXPECTED_KEYS = {
    "CND 64/4",
    "CND 62/4",
    "CND 61/8",
    "treaty/single-convention-1961",
    "treaty/psychotropic-convention-1971",
    "treaty/trafficking-convention-1988",
}

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [  # /work/shared/FACTS.md; Playwright gives each context a fresh user data dir
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "benchmarks" / "out"
TIMEOUT_MS = 20_000
CY = "window.policykgLineage"  # evaluate() must not return it: serialising it takes seconds


# --- the JSON API and the overview (a real HTTP client) ------------------------------------


def get(live_server: str, path: str, **params) -> httpx.Response:
    return httpx.get(live_server + path, params=params, timeout=30)


def test_api_lineage_with_a_verb_filter(live_server):
    r = get(live_server, "/api/lineage/CND 64/4", up=1, down=0, verb="reaffirms")
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["root"] == R64_4 and data["root_key"] == "CND 64/4"
    assert {n["id"] for n in data["nodes"]} == CONVENTIONS | {R64_4}  # pp1 only
    assert {e["relation"] for e in data["edges"]} == {"reaffirms"}
    for e in data["edges"]:
        assert "pp1" in {c["paragraph"] for c in e["citations"]}
        assert e["verbs"] == {"Reaffirming": e["count"]}
    assert {"resolution", "treaty"} <= set(data["options"]["kinds"])
    assert data["filters"] == {"verb": "reaffirms"}


def test_api_lineage_by_path_is_the_same_as_by_key(live_server):
    by_key = get(live_server, "/api/lineage/CND 64/4").json()
    by_path = get(live_server, "/api/lineage/resolution/CND/64/4").json()
    assert by_key["nodes"] == by_path["nodes"] and by_key["edges"] == by_path["edges"]
    assert by_key["up"] == 2 and by_key["down"] == 2


def test_api_citations_of_one_edge(live_server):
    r = get(live_server, "/api/citations", citing="CND 64/4", cited="resolution/CND/61/8")
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["citing"] == R64_4 and data["cited"] == f"{B}/resolution/CND/61/8"
    # pp13 "Recalling its resolution 61/8 of 16 March 2018"; op2 "Recalls … resolution 61/8"
    found = {(c["paragraph"], c["verb"], c["relation"]) for c in data["citations"]}
    assert {("pp13", "Recalling", "recalls"), ("op2", "Recalls", "recalls")} <= found
    pp13 = next(c for c in data["citations"] if c["paragraph"] == "pp13")
    assert pp13["quote"] == "its resolution 61/8" and pp13["date"] == "2018-03-16"
    assert pp13["paragraph_text"].startswith("Recalling its resolution 61/8 of 16 March 2018")


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/api/lineage/CND 64/44", {}, 404, "no instrument with that key or IRI"),
        ("/api/lineage/CND 64/4", {"verb": "shouts"}, 400, "verb 'shouts'"),
        ("/api/lineage/CND 64/4", {"kind": "poem"}, 400, "kind poem"),
        ("/api/lineage/CND 64/4", {"format": "pdf"}, 400, "format='pdf'"),
        ("/assets/cytoscape/package.json", {}, 404, "not served"),
        ("/api/citations", {"citing": "CND 64/4", "cited": "CND 99/9"}, 404, "'CND 99/9'"),
    ],
)
def test_api_errors_have_the_json_error_shape(live_server, path, params, status, says):
    r = get(live_server, path, **params)
    assert r.status_code == status
    error = r.json()["error"]
    assert error["status"] == status and says in error["message"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "svg", "dot", "mermaid", "png"])
def test_api_downloads(live_server, fmt):
    r = get(live_server, "/api/lineage/resolution/CND/62/4", up=1, down=1, format=fmt)
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    if fmt in ("graphml", "gexf"):
        reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        back = reader(io.BytesIO(r.content))
        nodes = {
            n["id"] for n in get(live_server, "/api/lineage/CND 62/4", up=1, down=1).json()["nodes"]
        }
        assert set(back) == nodes
    elif fmt == "svg":
        assert ET.fromstring(r.content).tag.endswith("svg")
    elif fmt == "png":
        assert r.content.startswith(b"\x89PNG")
    else:
        assert "CND 62/4" in r.text


def test_overview_page_plots_and_json(live_server):
    page = get(live_server, "/overview")
    assert page.status_code == 200
    html = page.text
    assert "Most influential (PageRank)" in html
    assert 'href="/lineage/treaty/single-convention-1961"' in html
    assert '<img src="/overview/citations-per-year.svg"' in html
    plot = get(live_server, "/overview/citations-per-year.svg")
    assert plot.headers["content-type"].startswith("image/svg+xml")
    texts = {
        "".join(t.itertext()) for t in ET.fromstring(plot.content).iter() if t.tag.endswith("text")
    }
    assert "Citations made per year, by issuer of the citing instrument" in texts
    assert {"2019", "2021", "CND"} <= texts
    verbs = get(live_server, "/overview/clause-verbs.svg")
    assert ET.fromstring(verbs.content).tag.endswith("svg")
    data = get(live_server, "/api/overview").json()
    assert {r["key"] for r in data["by_pagerank"][:5]} & {
        "treaty/single-convention-1961",
        "treaty/psychotropic-convention-1971",
    }
    assert data["relations"][0]["citations"] >= data["relations"][-1]["citations"]


def test_unknown_lineage_page_is_a_404_page(live_server):
    r = get(live_server, "/lineage/resolution/CND/99/99")
    assert r.status_code == 404
    assert "No such instrument" in r.text


# --- the page in Chromium --------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture
def context(playwright, tmp_path):
    profile = tmp_path / "profile"
    profile.mkdir()
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=FLAGS,
        viewport={"width": 1500, "height": 950},
    )
    try:
        yield ctx
    finally:
        ctx.close()


class Watch:
    """Console errors, uncaught exceptions and every request of a page."""

    def __init__(self, page, origin: str):
        self.page, self.origin = page, origin
        self.problems: list[str] = []
        self.urls: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        page.on("request", lambda r: self.urls.append(r.url))

    def assert_clean(self) -> None:
        assert self.problems == []
        foreign = [
            u
            for u in self.urls
            if urlparse(u).hostname not in ("127.0.0.1", "localhost") and not u.startswith("data:")
        ]
        assert foreign == [], "requests to a non-loopback host"


def drawn(page) -> list[str]:
    page.wait_for_function(f"{CY} && {CY}.nodes('.instrument').length > 0")
    return page.evaluate(f"{CY}.nodes('.instrument').map(n => n.data('key'))")


def screen_point(page, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    return tuple(
        page.evaluate(
            """(id) => { const cy = window.policykgLineage; const n = cy.getElementById(id);
                     const box = cy.container().getBoundingClientRect();
                     const p = n.renderedPosition(); return [box.left + p.x, box.top + p.y]; }""",
            node_id,
        )
    )


def test_lineage_page_draws_hovers_filters_and_navigates(context, live_server, tmp_path):
    page = context.new_page()
    watch = Watch(page, live_server)
    page.goto(f"{live_server}/lineage/resolution/CND/64/4")
    keys = drawn(page)
    assert set(keys) >= EXPECTED_KEYS
    assert page.evaluate(f"{CY}.nodes('.root').data('key')") == "CND 64/4"
    assert page.evaluate(f"{CY}.nodes('.axis').map(n => n.data('label'))").count("1961") == 2
    assert "instruments" in page.text_content("#lineage-status")

    # A real mouse over the root shows its name.
    x, y = screen_point(page, R64_4)
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "CND resolution 64/4" in page.text_content("#tooltip")

    # Hovering the citation 64/4 -> 62/4 shows the quoted words and the paragraph (pp10).
    edge = page.evaluate(
        f"""{CY}.edges('.citation').filter(e => e.data('source') === '{R64_4}' &&
             e.data('target') === '{B}/resolution/CND/62/4' &&
             e.data('relation') === 'recalls').id()"""
    )
    page.mouse.move(5, 5)
    page.evaluate(f"void {CY}.getElementById('{edge}').emit('mouseover')")
    tip = page.text_content("#tooltip")
    assert "CND 64/4 → CND 62/4" in tip and "pp10" in tip and "its resolution 62/4" in tip
    assert "Recalling" in tip

    shot = tmp_path / "lineage.png"
    page.screenshot(path=str(shot))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "lineage.png")
    page.evaluate(f"void {CY}.getElementById('{edge}').emit('mouseout')")

    # Search highlights; a kind filter asks the server again.
    page.fill("#search", "61/8")
    assert page.evaluate(f"{CY}.nodes('.match').map(n => n.data('key'))") == ["CND 61/8"]
    page.fill("#search", "")
    page.click("summary:has-text('Kind')")
    page.check("#kind-options input[value='treaty']")
    page.click("button[type='submit']")
    page.wait_for_function(f"{CY}.nodes('.instrument').length < {len(keys)}")
    kinds = page.evaluate(f"{CY}.nodes('.instrument').map(n => n.data('kind'))")
    assert set(kinds) == {"treaty", "resolution"}  # the conventions and the root
    assert "kind=treaty" in page.url
    watch.assert_clean()

    # Clicking an instrument opens its page on this server.
    page.goto(f"{live_server}/lineage/resolution/CND/64/4")
    drawn(page)
    target = f"{B}/resolution/CND/62/4"
    page.evaluate(f"void {CY}.center({CY}.getElementById('{target}'))")
    x, y = screen_point(page, target)
    page.mouse.click(x, y)
    page.wait_for_url("**/resolution/CND/62/4**")
    assert urlparse(page.url).path.startswith("/resolution/CND/62/4")


def test_large_lineages_load_quotes_edge_by_edge(context, live_server):
    """A lineage served without its citations (as large ones are) fetches those of an edge
    from /api/citations when the edge is hovered."""

    def strip(route):
        response = route.fetch()
        data = response.json()
        for edge in data["edges"]:
            edge["citations"] = []
        data["citations_inline"] = False
        route.fulfill(response=response, json=data)

    page = context.new_page()
    watch = Watch(page, live_server)
    page.route("**/api/lineage/**", strip)
    page.goto(f"{live_server}/lineage/resolution/CND/64/4")
    drawn(page)
    edge = page.evaluate(
        f"""{CY}.edges('.citation').filter(e => e.data('source') === '{R64_4}' &&
             e.data('target') === '{B}/resolution/CND/62/4').id()"""
    )
    with page.expect_response("**/api/citations?**"):
        page.evaluate(f"void {CY}.getElementById('{edge}').emit('mouseover')")
    page.wait_for_function("document.getElementById('tooltip').textContent.includes('pp10')")
    assert "its resolution 62/4" in page.text_content("#tooltip")
    watch.assert_clean()


def test_page_stays_smooth_with_600_instruments(context, live_server):
    """A generated lineage of 600+ instruments (served in place of the API's answer): drawn
    with the preset layout in well under two seconds, and panning keeps a usable frame rate
    (bounds are loose: this machine has two cores and no GPU)."""
    from bench_lineage import generate
    from policykg import viz

    g = generate(700, seed=3, base=B)
    g.graph["root"] = max(g, key=g.in_degree)
    data = viz.to_json(g)
    data["options"] = {"kinds": [], "issuers": [], "relations": []}
    assert len(data["nodes"]) >= 600
    body = json.dumps(data)
    page = context.new_page()
    watch = Watch(page, live_server)
    page.route(
        "**/api/lineage/**",
        lambda route: route.fulfill(status=200, content_type="application/json", body=body),
    )
    started = time.perf_counter()
    page.goto(f"{live_server}/lineage/resolution/CND/64/4")
    assert len(drawn(page)) == len(data["nodes"])
    assert time.perf_counter() - started < 10.0  # page, script, 1 MB of JSON, first frame
    assert int(page.get_attribute("#lineage-app", "data-draw-ms")) < 1500  # draw() itself
    # Drag the view with the mouse, as a person pans, and time the frames drawn meanwhile.
    page.evaluate("""() => { window.frameTimes = []; let last = performance.now();
        window.keepTiming = true;
        const tick = (now) => { window.frameTimes.push(now - last); last = now;
                                if (window.keepTiming) requestAnimationFrame(tick); };
        requestAnimationFrame(tick); }""")
    page.mouse.move(700, 600)
    page.mouse.down()
    for step in range(30):
        page.mouse.move(700 - 10 * step, 600 - 4 * step)
    page.mouse.up()
    frames = sorted(page.evaluate("window.keepTiming = false; window.frameTimes"))
    frame_ms = frames[len(frames) // 2]
    assert len(frames) >= 10 and frame_ms < 50, f"median frame {frame_ms:.0f} ms while panning"
    watch.assert_clean()
