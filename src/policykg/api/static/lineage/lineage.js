/* The citation lineage page: fetches /api/lineage/{id} and draws it with Cytoscape.js.
 *
 * Positions come from the server (a time axis: x = year column, y = row), so the page uses
 * Cytoscape's preset layout and stays smooth with hundreds of instruments. Filters and
 * depth ask the server again (the same lineage as the CLI); search only highlights.
 * All text from the data is written with textContent, never as HTML.
 */
(function () {
  "use strict";

  const X_UNIT = 100; // pixels per year column
  const Y_UNIT = 74; // pixels per row
  const READABLE_ZOOM = 0.75; // the first view zooms no further out than this
  const MANY = 300; // from this many elements on, trade looks for speed while moving
  const SHAPE_SYMBOLS = {
    ellipse: "\u25CF", "round-rectangle": "\u25A0", diamond: "\u25C6", triangle: "\u25B2",
    pentagon: "\u2B1F", hexagon: "\u2B22", star: "\u2605", octagon: "\u2BC3",
    rhomboid: "\u25B0",
  };

  const app = document.getElementById("lineage-app");
  if (!app || typeof cytoscape !== "function") {
    return;
  }
  const api = app.dataset.api;
  const form = document.getElementById("lineage-controls");
  const status = document.getElementById("lineage-status");
  const tooltip = document.getElementById("tooltip");
  const legendBox = document.getElementById("legend");
  const search = document.getElementById("search");
  let keyOf = new Map(); // node id -> key, for tooltips
  let inline = true; // whether the lineage came with the citations behind its edges
  let hovered = null; // the edge under the mouse
  const fetched = new Map(); // "citing cited" -> promise of /api/citations

  const STYLE = [
    {
      selector: "node.instrument",
      style: {
        shape: "data(shape)",
        "background-color": "data(color)",
        "border-width": 1,
        "border-color": "#333",
        width: 18,
        height: 18,
        label: "data(short)",
        "font-size": 11,
        "text-valign": "bottom",
        "text-halign": "center",
        "text-margin-y": 3,
        "text-wrap": "wrap",
        "text-max-width": 92,
        "text-background-color": "#fff",
        "text-background-opacity": 0.8,
        "text-background-padding": 1,
        color: "#1d2733",
      },
    },
    { selector: "node.root", style: { width: 28, height: 28, "border-width": 4,
                                      "border-color": "#000", "font-weight": "bold" } },
    { selector: "node.match", style: { "border-width": 4, "border-color": "#ff9800",
                                       "font-weight": "bold" } },
    { selector: ".faded", style: { opacity: 0.2 } },
    // Large graphs: no labels while they would be too small to read (faster to draw).
    { selector: "node.instrument.many", style: { "min-zoomed-font-size": 7 } },
    {
      selector: "node.axis",
      style: {
        shape: "rectangle", width: 1, height: 1, "background-opacity": 0,
        label: "data(label)", "font-size": 16, "font-weight": "bold", color: "#5b6b7a",
        "text-valign": "center", "text-halign": "center", events: "no",
      },
    },
    {
      selector: "edge.grid",
      style: { width: 1, "line-color": "#e6eaee", "curve-style": "straight", events: "no",
               "z-index": 0 },
    },
    {
      selector: "edge.citation",
      style: {
        width: "data(width)",
        "line-color": "data(color)",
        "target-arrow-color": "data(color)",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        "curve-style": "bezier",
        "control-point-step-size": 18,
        opacity: 0.85,
        "z-index": 1,
      },
    },
    { selector: "edge.dash-dashed", style: { "line-style": "dashed",
                                             "line-dash-pattern": [6, 3] } },
    { selector: "edge.dash-dotted", style: { "line-style": "dotted" } },
    { selector: "edge.dash-dashdot", style: { "line-style": "dashed",
                                              "line-dash-pattern": [6, 3, 2, 3] } },
    { selector: "edge.citation.hover", style: { width: 4, opacity: 1, "z-index": 9 } },
    // Many citations: haystack lines draw fastest (no arrowheads: time runs right to left).
    { selector: "edge.straight", style: { "curve-style": "haystack", "haystack-radius": 0 } },
  ];
  let cy = null;

  // A new Cytoscape instance per drawing: the renderer's options are set at creation, and
  // large graphs are drawn as a bitmap while the view moves.
  function makeCy(many) {
    const instance = cytoscape({
      container: document.getElementById("cy"),
      elements: [],
      layout: { name: "preset" },
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      hideLabelsOnViewport: many,
      hideEdgesOnViewport: many,
      style: STYLE,
    });
    bindEvents(instance);
    window.policykgLineage = instance; // for tests and the console
    return instance;
  }

  // --- filters and the URL ---------------------------------------------------------------

  const initial = new URLSearchParams(window.location.search);

  function checkedValues(name) {
    return Array.from(form.querySelectorAll(`input[data-filter="${name}"]:checked`))
      .map((box) => box.value);
  }

  function currentQuery() {
    const q = new URLSearchParams();
    q.set("up", form.elements.up.value || "0");
    q.set("down", form.elements.down.value || "0");
    for (const name of ["kind", "issuer", "verb"]) {
      const values = checkedValues(name);
      if (values.length) {
        q.set(name, values.join(","));
      }
    }
    for (const name of ["from", "to"]) {
      if (form.elements[name].value) {
        q.set(name, form.elements[name].value);
      }
    }
    return q;
  }

  function fillOptions(box, name, values, chosen) {
    if (box.dataset.filled === "yes") {
      return;
    }
    box.dataset.filled = "yes";
    const wanted = new Set(chosen.map((v) => v.toLowerCase()));
    for (const value of values) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = value;
      input.dataset.filter = name;
      input.checked = wanted.has(value.toLowerCase());
      label.append(input, document.createTextNode(" " + value));
      box.append(label);
    }
  }

  function split(value) {
    return (value || "").split(",").map((s) => s.trim()).filter(Boolean);
  }

  form.elements.up.value = initial.get("up") || "2";
  form.elements.down.value = initial.get("down") || "2";
  form.elements.from.value = initial.get("from") || "";
  form.elements.to.value = initial.get("to") || "";

  // --- drawing ----------------------------------------------------------------------------

  function elementsOf(data) {
    const els = [];
    keyOf = new Map();
    let minY = 0;
    let maxY = 0;
    for (const n of data.nodes) {
      keyOf.set(n.id, n.key);
      minY = Math.min(minY, n.y);
      maxY = Math.max(maxY, n.y);
      els.push({
        group: "nodes",
        data: { id: n.id, key: n.key, label: n.label, short: n.short, kind: n.kind,
                issuer: n.issuer, year: n.year, href: n.href, color: n.color, shape: n.shape,
                direction: n.direction },
        position: { x: n.x * X_UNIT, y: n.y * Y_UNIT },
        classes: "instrument" + (n.direction === "root" ? " root" : "") +
          (data.nodes.length >= MANY ? " many" : ""),
      });
    }
    data.axis.forEach((a, i) => {
      const x = a.x * X_UNIT;
      els.push({ group: "nodes", data: { id: `axis-top-${i}`, label: a.label },
                 position: { x, y: (minY - 1.2) * Y_UNIT }, classes: "axis",
                 selectable: false, grabbable: false });
      els.push({ group: "nodes", data: { id: `axis-bottom-${i}`, label: a.label },
                 position: { x, y: (maxY + 1.2) * Y_UNIT }, classes: "axis",
                 selectable: false, grabbable: false });
      els.push({ group: "edges", data: { id: `grid-${i}`, source: `axis-top-${i}`,
                                         target: `axis-bottom-${i}` }, classes: "grid" });
    });
    const straight = data.edges.length > 1000 ? " straight" : "";
    for (const e of data.edges) {
      els.push({
        group: "edges",
        data: { id: e.id, source: e.source, target: e.target, relation: e.relation,
                color: e.color, width: e.width, count: e.count, verbs: e.verbs,
                citations: e.citations },
        classes: `citation dash-${e.dash}${straight}`,
      });
    }
    return els;
  }

  // Like cy.fit(), but from the positions alone: measuring every element first (what fit
  // does) takes most of the time of drawing a large lineage.
  function fitPositions(els, padding) {
    const xs = [];
    const ys = [];
    for (const el of els) {
      if (el.position) {
        xs.push(el.position.x);
        ys.push(el.position.y);
      }
    }
    const box = { x1: Math.min(...xs) - 40, x2: Math.max(...xs) + 80,
                  y1: Math.min(...ys) - 20, y2: Math.max(...ys) + 40 };
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(),
      Math.min((cy.width() - 2 * padding) / w, (cy.height() - 2 * padding) / h)));
    cy.viewport({ zoom, pan: { x: (cy.width() - zoom * (box.x1 + box.x2)) / 2,
                               y: (cy.height() - zoom * (box.y1 + box.y2)) / 2 } });
  }

  function draw(data) {
    const started = performance.now();
    inline = data.citations_inline !== false;
    hovered = null;
    const els = elementsOf(data);
    const many = els.length >= MANY;
    if (cy) {
      cy.destroy();
    }
    cy = makeCy(many);
    cy.add(els);
    fitPositions(els, 30);
    if (!many && cy.zoom() < READABLE_ZOOM) {
      // Too many years to read at once: start readable at the newest years (the root and
      // what cites it), the older ones to the left; zoom out or drag to see them.
      const box = cy.elements().boundingBox();
      cy.zoom(READABLE_ZOOM);
      cy.pan({ x: cy.width() - 30 - box.x2 * READABLE_ZOOM,
               y: cy.height() / 2 - ((box.y1 + box.y2) / 2) * READABLE_ZOOM });
    }
    fillOptions(document.getElementById("kind-options"), "kind", data.options.kinds,
                split(initial.get("kind")));
    fillOptions(document.getElementById("issuer-options"), "issuer", data.options.issuers,
                split(initial.get("issuer")));
    fillOptions(document.getElementById("verb-options"), "verb", data.options.relations,
                split(initial.get("verb")));
    drawLegend(data.legend);
    highlight(search.value);
    app.dataset.drawMs = String(Math.round(performance.now() - started)); // read by tests
    const instruments = data.nodes.length;
    status.textContent = `${instruments} instrument${instruments === 1 ? "" : "s"}, ` +
      `${data.edges.length} citation edge${data.edges.length === 1 ? "" : "s"} ` +
      `(up ${data.up}, down ${data.down}). Scroll to zoom, drag to pan.`;
  }

  function drawLegend(legend) {
    legendBox.replaceChildren();
    const section = (title) => {
      const h = document.createElement("h3");
      h.textContent = title;
      legendBox.append(h);
      const list = document.createElement("ul");
      legendBox.append(list);
      return list;
    };
    const item = (list, swatch, text) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = text;
      li.append(swatch, label);
      list.append(li);
    };
    let list = section("Kind (shape)");
    for (const k of legend.kinds) {
      const s = document.createElement("span");
      s.className = "swatch shape";
      s.textContent = SHAPE_SYMBOLS[k.shape] || "\u25CF";
      item(list, s, k.kind);
    }
    list = section("Issuer (colour)");
    for (const i of legend.issuers) {
      const s = document.createElement("span");
      s.className = "swatch colour";
      s.style.backgroundColor = i.color;
      item(list, s, i.label);
    }
    list = section("Clause verb (relation)");
    const NS = "http://www.w3.org/2000/svg";
    for (const r of legend.relations) {
      const svg = document.createElementNS(NS, "svg");
      svg.setAttribute("width", "34");
      svg.setAttribute("height", "10");
      svg.setAttribute("class", "swatch line");
      const line = document.createElementNS(NS, "line");
      line.setAttribute("x1", "1");
      line.setAttribute("x2", "33");
      line.setAttribute("y1", "5");
      line.setAttribute("y2", "5");
      line.setAttribute("stroke", r.color);
      line.setAttribute("stroke-width", String(r.width + 0.5));
      if (r.dash_pattern) {
        line.setAttribute("stroke-dasharray", r.dash_pattern);
      }
      svg.append(line);
      item(list, svg, r.relation);
    }
  }

  // --- tooltips ---------------------------------------------------------------------------

  function add(parent, tag, text, className) {
    const el = document.createElement(tag);
    el.textContent = text;
    if (className) {
      el.className = className;
    }
    parent.append(el);
    return el;
  }

  function showTip(event) {
    // At the mouse; for an event without one (keyboard, scripts), at the element.
    let x;
    let y;
    if (event.originalEvent && "clientX" in event.originalEvent) {
      x = event.originalEvent.clientX;
      y = event.originalEvent.clientY;
    } else {
      const box = cy.container().getBoundingClientRect();
      const at = event.target.isEdge() ? event.target.renderedMidpoint()
        : event.target.renderedPosition();
      x = box.left + at.x;
      y = box.top + at.y;
    }
    tooltip.hidden = false;
    const room = window.innerWidth - tooltip.offsetWidth - 16;
    tooltip.style.left = `${Math.max(8, Math.min(x + 14, room))}px`;
    const below = window.innerHeight - tooltip.offsetHeight - 8;
    tooltip.style.top = `${Math.max(8, Math.min(y + 14, below))}px`;
  }

  function edgeTip(edge) {
    tooltip.replaceChildren();
    const d = edge.data();
    add(tooltip, "div", `${keyOf.get(d.source)} \u2192 ${keyOf.get(d.target)}`, "tip-title");
    const times = d.count === 1 ? "1 citation" : `${d.count} citations`;
    add(tooltip, "div", `${d.relation} \u00B7 ${times}`, "tip-meta");
    const list = document.createElement("ol");
    for (const c of d.citations || []) {
      const li = document.createElement("li");
      const head = add(li, "div", "", "tip-where");
      add(head, "strong", c.paragraph || "paragraph ?");
      head.append(document.createTextNode(` \u00B7 ${c.verb_text || c.verb || "no clause verb"}`));
      if (c.quote) {
        add(li, "div", `\u201C${c.quote}\u201D`, "tip-quote");
      }
      if (c.paragraph_text) {
        add(li, "div", c.paragraph_text, "tip-text");
      }
      list.append(li);
    }
    tooltip.append(list);
    if (!inline && !d.loaded) {
      add(tooltip, "div", "Loading the quoted words\u2026", "tip-text");
    }
  }

  // Large lineages come without their quotes: fetch those of one edge when it is hovered.
  function loadCitations(edge) {
    const { source, target } = edge.data();
    const key = `${source} ${target}`;
    if (!fetched.has(key)) {
      const q = new URLSearchParams({ citing: source, cited: target });
      fetched.set(key, fetch(`/api/citations?${q}`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`)))));
    }
    fetched.get(key).then((answer) => {
      const pair = cy.edges(".citation").filter((e) =>
        e.data("source") === source && e.data("target") === target);
      pair.forEach((e) => {
        e.data("citations", answer.citations.filter((c) => c.relation === e.data("relation")));
        e.data("loaded", true);
      });
      if (hovered && pair.contains(hovered)) {
        edgeTip(hovered);
      }
    }).catch((err) => {
      fetched.delete(key);
      if (hovered === edge) {
        add(tooltip, "div", `The quoted words could not be loaded: ${err.message}`, "tip-text");
      }
    });
  }

  function nodeTip(node) {
    tooltip.replaceChildren();
    const d = node.data();
    add(tooltip, "div", d.label, "tip-title");
    const facts = [d.key, d.kind, d.issuer || "no issuer", d.year == null ? "undated" : String(d.year)];
    add(tooltip, "div", facts.join(" \u00B7 "), "tip-meta");
    add(tooltip, "div", d.href ? "Click to open its page." : "No page on this server.",
        "tip-text");
  }

  function bindEvents(c) {
    c.on("mouseover", "edge.citation", (e) => {
      hovered = e.target;
      e.target.addClass("hover");
      edgeTip(e.target);
      showTip(e);
      if (!inline && !e.target.data("loaded")) {
        loadCitations(e.target);
      }
    });
    c.on("mouseover", "node.instrument", (e) => {
      nodeTip(e.target);
      showTip(e);
    });
    c.on("mousemove", "edge.citation, node.instrument", showTip);
    c.on("mouseout", "edge.citation, node.instrument", (e) => {
      e.target.removeClass("hover");
      hovered = null;
      tooltip.hidden = true;
    });
    c.on("tap", "node.instrument", (e) => {
      const href = e.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
  }

  // --- search -----------------------------------------------------------------------------

  function matches(text) {
    const q = text.trim().toLowerCase();
    if (!q || !cy) {
      return cy ? cy.collection() : [];
    }
    return cy.nodes(".instrument").filter((n) =>
      n.data("key").toLowerCase().includes(q) || n.data("label").toLowerCase().includes(q));
  }

  function highlight(text) {
    if (!cy) {
      return matches(text);
    }
    cy.batch(() => {
      cy.elements().removeClass("match faded");
      const found = matches(text);
      if (text.trim()) {
        cy.nodes(".instrument").difference(found).addClass("faded");
        cy.edges(".citation").addClass("faded");
        found.addClass("match");
      }
    });
    return matches(text);
  }

  search.addEventListener("input", () => {
    const found = highlight(search.value);
    if (search.value.trim()) {
      status.textContent = `${found.length} instrument${found.length === 1 ? "" : "s"} ` +
        `match \u201C${search.value.trim()}\u201D (Enter to zoom to them).`;
    }
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const found = matches(search.value);
      if (found.length) {
        cy.animate({ fit: { eles: found, padding: 120 }, duration: 300 });
      }
    }
  });

  // --- loading ----------------------------------------------------------------------------

  function updateDownloads(query) {
    for (const link of document.querySelectorAll("#downloads a[data-format]")) {
      const q = new URLSearchParams(query);
      q.set("format", link.dataset.format);
      link.href = `${api}?${q}`;
    }
  }

  let generation = 0;

  async function load() {
    const query = currentQuery();
    const mine = ++generation;
    status.textContent = "Loading the lineage\u2026";
    let response;
    try {
      response = await fetch(`${api}?${query}`, { headers: { Accept: "application/json" } });
    } catch (err) {
      status.textContent = `The server could not be reached: ${err.message}`;
      return;
    }
    const data = await response.json().catch(() => null);
    if (mine !== generation) {
      return; // a newer request is on its way
    }
    if (!response.ok || !data) {
      const message = data && data.error ? data.error.message : `HTTP ${response.status}`;
      status.textContent = `No lineage: ${message}`;
      return;
    }
    draw(data);
    updateDownloads(query);
    const url = new URL(window.location.href);
    url.search = query.toString();
    window.history.replaceState(null, "", url);
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  document.getElementById("reset").addEventListener("click", () => {
    form.elements.up.value = "2";
    form.elements.down.value = "2";
    form.elements.from.value = "";
    form.elements.to.value = "";
    for (const box of form.querySelectorAll("input[data-filter]")) {
      box.checked = false;
    }
    search.value = "";
    load();
  });
  for (const name of ["up", "down"]) {
    form.elements[name].addEventListener("change", () => load());
  }

  load();
})();
