// The policykg home page: a YASGUI editor on this server's /sparql, a picker of the named
// queries (GET /queries) and a search for instruments (the named query "search").
//
// Everything taken from the network is put into the page with textContent or DOM calls,
// never as HTML. The only requests go to this server.
(function () {
  "use strict";

  const root = document.getElementById("policykg-ui");
  if (!root) return;
  const BASE = root.dataset.base || "";
  const ENDPOINT = new URL(root.dataset.endpoint || "/sparql", window.location.href).href;
  const DEFAULT_QUERY = root.dataset.defaultQuery || "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  const RESULTS_JSON = "application/sparql-results+json";

  // --- binding the parameters of a named query ------------------------------------------
  // The same text as policykg.queries.bind with the declared defaults: a line
  // "VALUES ?name { term }" per parameter, right after the first top-level "WHERE {".

  const STRINGS = [
    /"""(?:[^"\\]|\\.|"(?!""))*"""/sy,
    /'''(?:[^'\\]|\\.|'(?!''))*'''/sy,
    /"(?:[^"\\\n\r]|\\.)*"/y,
    /'(?:[^'\\\n\r]|\\.)*'/y,
  ];
  const IRIREF = /<[^<>"{}|^`\\\x00-\x20]*>/y;
  const WHERE = /WHERE\s*\{/iy;
  const XSD_DATE = "http://www.w3.org/2001/XMLSchema#date";
  const ESCAPES = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                    "\b": "\\b", "\f": "\\f" };

  function matchAt(pattern, text, at) {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    return m ? at + m[0].length : -1;
  }

  // Offset just after the first "WHERE {" outside comments, strings, IRIs and braces.
  function injectionPoint(text) {
    let i = 0;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === "#") {
        const end = text.indexOf("\n", i);
        i = end < 0 ? text.length : end + 1;
        continue;
      }
      if (c === '"' || c === "'") {
        const end = STRINGS.map((p) => matchAt(p, text, i)).find((e) => e >= 0);
        if (end === undefined) throw new Error(`unterminated string at offset ${i}`);
        i = end;
        continue;
      }
      if (c === "<") {
        const end = matchAt(IRIREF, text, i);
        if (end >= 0) {
          i = end;
          continue;
        }
      }
      if (c === "{") depth += 1;
      else if (c === "}") depth -= 1;
      else if ((c === "W" || c === "w") && depth === 0) {
        const end = matchAt(WHERE, text, i);
        const before = i ? text[i - 1] : " ";
        if (end >= 0 && !/[A-Za-z0-9_?$:]/.test(before)) return end;
      }
      i += 1;
    }
    throw new Error("parameters need a top-level 'WHERE {' to bind them in");
  }

  function term(param, value) {
    switch (param.type) {
      case "IRI":
        return `<${value}>`;
      case "integer":
        return BigInt(value).toString();
      case "date":
        return `"${value}"^^<${XSD_DATE}>`;
      default:
        return '"' + Array.from(value, (ch) => ESCAPES[ch] || ch).join("") + '"';
    }
  }

  // The SPARQL text of a named query (an item of GET /queries) with its default values.
  function bindDefaults(query) {
    if (!query.parameters.length) return query.sparql;
    const rows = query.parameters.map((p) => `VALUES ?${p.name} { ${term(p, p.default)} }`);
    const at = injectionPoint(query.sparql);
    return query.sparql.slice(0, at) + "\n  " + rows.join("\n  ") + "\n" + query.sparql.slice(at);
  }

  // --- links to instruments ---------------------------------------------------------------

  // An instance IRI under the base is served by this server at its path; other http(s) IRIs
  // are linked as they are; anything else (javascript:, data:) is not a link at all.
  function instrumentHref(iri) {
    const prefix = BASE.replace(/\/+$/, "") + "/";
    if (BASE && iri.startsWith(prefix)) return "/" + iri.slice(prefix.length);
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    for (const child of children) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  async function errorMessage(response) {
    const body = await response.text();
    try {
      return JSON.parse(body).error.message;
    } catch (_) {
      return body.slice(0, 300) || response.statusText;
    }
  }

  // --- the SPARQL editor ------------------------------------------------------------------

  let yasgui = null;

  // The endpoint list shows only this server, drawn as text (YASGUI's default item renderer
  // builds HTML from the endpoint string).
  function renderEndpointItem(data, source) {
    const line = el("span");
    for (const part of (data.matches && data.matches.endpoint) || []) {
      line.append(part.highlight ? el("b", {}, part.text) : document.createTextNode(part.text));
    }
    source.append(el("div", {}, line));
  }

  function startYasgui() {
    const Yasgui = window.Yasgui;
    const host = document.getElementById("yasgui");
    if (!Yasgui || !host) {
      setText("editor-status", "The SPARQL editor (YASGUI) did not load: run 'make install'.");
      return null;
    }
    // Autocompleters are set on the shared defaults, not in the config below: Yasgui merges
    // its config with lodash's merge, which merges arrays index by index, so a shorter list
    // there would not remove the LOV completers ("property", "class"), and those send every
    // prefixed name being typed to lov.linkeddata.es. Prefixes come from the bundled list.
    Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
    Yasgui.defaults.yasqe.prefixCcApi = null;
    const config = {
      persistenceId: "policykg",
      autofocus: false,
      tabName: "Query",
      copyEndpointOnNewTab: true,
      requestConfig: {
        endpoint: ENDPOINT,
        method: "POST",
        acceptHeaderSelect: RESULTS_JSON,
        acceptHeaderGraph: "text/turtle",
      },
      endpointCatalogueOptions: {
        getData: () => [{ endpoint: ENDPOINT }],
        keys: [],
        renderItem: renderEndpointItem,
      },
      // A shared link (…/#query=…) opens as a tab on this server, whatever endpoint it names.
      populateFromUrl: (tab) => {
        tab.requestConfig.endpoint = ENDPOINT;
        return tab;
      },
      yasqe: { value: DEFAULT_QUERY, editorHeight: "280px" },
    };
    try {
      return new Yasgui(host, config);
    } catch (error) {
      // Stored state that no longer fits (or storage that refuses us): start afresh, once.
      console.warn("policykg: YASGUI could not restore its saved tabs; starting without them",
                   error);
      host.replaceChildren();
      return new Yasgui(host, { ...config, persistenceId: null });
    }
  }

  // Tabs saved by an earlier visit keep their endpoint; one saved without any gets ours.
  function fixEndpoints(instance) {
    for (const tab of Object.values(instance._tabs || {})) {
      if (!tab.getEndpoint()) tab.setEndpoint(ENDPOINT);
    }
  }

  function setText(id, text) {
    const node = document.getElementById(id);
    if (node) node.textContent = text;
  }

  // Open a named query in its own tab (reused if it is already open), defaults bound.
  function openNamedQuery(query) {
    const text = bindDefaults(query);
    const existing = Object.values(yasgui._tabs).find((tab) => tab.getName() === query.title);
    if (existing) {
      yasgui.selectTabId(existing.getId());
      existing.setQuery(text);
      return existing;
    }
    return yasgui.addTab(true, { name: query.title, yasqe: { value: text } });
  }

  function describeQuery(query) {
    const description = document.getElementById("named-query-description");
    const link = document.getElementById("named-query-link");
    if (!query) {
      description.replaceChildren();
      link.hidden = true;
      return;
    }
    const parts = [query.description];
    if (query.parameters.length) {
      parts.push(" Parameters (defaults bound with VALUES): ");
      query.parameters.forEach((p, i) => {
        if (i) parts.push(", ");
        parts.push(el("code", {}, "?" + p.name), ` = ${p.default}`);
      });
      parts.push(".");
    }
    description.replaceChildren(...parts);
    link.href = "/queries/" + encodeURIComponent(query.name);
    link.textContent = `run it on the server: /queries/${query.name}`;
    link.hidden = false;
  }

  async function loadNamedQueries() {
    const select = document.getElementById("named-query");
    let queries;
    try {
      const response = await fetch("/queries", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(await errorMessage(response));
      queries = await response.json();
    } catch (error) {
      select.replaceChildren(el("option", { value: "" }, "Named queries unavailable"));
      setText("named-query-description", `Could not load /queries: ${error.message}`);
      return;
    }
    const byName = new Map(queries.map((q) => [q.name, q]));
    select.replaceChildren(
      el("option", { value: "" }, `Choose one of ${queries.length} named queries…`),
      ...queries.map((q) => el("option", { value: q.name }, q.title)),
    );
    select.disabled = false;
    select.addEventListener("change", () => {
      const query = byName.get(select.value);
      describeQuery(query);
      if (query && yasgui) openNamedQuery(query);
    });
    return queries;
  }

  // --- searching for an instrument --------------------------------------------------------

  let searchController = null;

  function renderResults(text, data) {
    const list = document.getElementById("search-results");
    const rows = data.results.bindings;
    list.replaceChildren(...rows.map((row) => {
      const iri = row.instrument.value;
      const key = row.key ? row.key.value : iri;
      const href = instrumentHref(iri);
      const item = el("li", {}, href ? el("a", { href }, key) : el("span", {}, key));
      if (row.matched && row.matched.value !== key) {
        item.append(" ", el("span", { class: "muted" }, `— “${row.matched.value}”`));
      }
      item.append(" ", el("code", { class: "iri" }, iri));
      return item;
    }));
    setText("search-status", rows.length
      ? `${rows.length} instrument${rows.length === 1 ? "" : "s"} matching “${text}”`
      : `No instrument matches “${text}”.`);
  }

  async function search(text) {
    if (searchController) searchController.abort();
    const controller = new AbortController();
    searchController = controller;
    setText("search-status", `Searching for “${text}”…`);
    const url = "/queries/search?" + new URLSearchParams({ text });
    try {
      const response = await fetch(url, { headers: { Accept: RESULTS_JSON },
                                          signal: controller.signal });
      if (!response.ok) throw new Error(await errorMessage(response));
      renderResults(text, await response.json());
    } catch (error) {
      if (error.name === "AbortError") return;
      document.getElementById("search-results").replaceChildren();
      setText("search-status", `The search failed: ${error.message}`);
    }
  }

  function startSearch() {
    const form = document.getElementById("search-form");
    const input = document.getElementById("search-text");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (text) search(text);
    });
  }

  // --- start ------------------------------------------------------------------------------

  startSearch();
  yasgui = startYasgui();
  if (yasgui) fixEndpoints(yasgui);
  const ready = loadNamedQueries();

  // For the console and the browser tests.
  window.policykg = { yasgui, ready, bindDefaults, instrumentHref, search };
})();
