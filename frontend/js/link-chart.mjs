// The link chart: draws the nodes and links the server returns, expands, filters, hides and pins
// nodes, and shows a link's records. Everything is also listed in the tables, which this script
// keeps in step with the chart and which give keyboard users the same actions.

// Cytoscape (about 430 kB) is loaded alongside the chart's JSON rather than before it: a static
// import would be fetched and run before this script could ask for the JSON.
let cytoscape = null;
const cytoscapeLoaded = import("./vendor/cytoscape.esm.min.mjs").then((module) => {
  cytoscape = module.default;
  cytoscape("layout", "given", GivenLayout);
});

const container = document.getElementById("link-chart");
const filters = document.getElementById("chart-filters");
const panel = document.getElementById("chart-provenance");
const tables = document.getElementById("chart-tables");
const centre = container.dataset.node;
const graphUrl = container.dataset.graphUrl;
const expanded = new Set([centre]);
const hidden = new Set();
const pinned = new Set();
let elements = { nodes: new Map(), edges: new Map() };

const COLOURS = {
  young_person: "#d4351c",
  person: "#1d70b8",
  phone: "#00703c",
  vehicle: "#6f72af",
  location: "#f47738",
  event: "#505a5f",
  restricted: "#b1b4b6",
};
const KINDS = {
  young_person: "Young person",
  person: "Person",
  phone: "Phone",
  vehicle: "Vehicle",
  location: "Location",
  event: "Event",
  restricted: "Restricted",
};

// Cytoscape adds an inline stylesheet unless one with this id exists; the strict CSP refuses
// inline styles, so the rule it wants (position: relative) is in cairn.scss and this marker
// tells Cytoscape it is there.
const CYTOSCAPE_STYLESHEET = "__________cytoscape_stylesheet";
if (!document.getElementById(CYTOSCAPE_STYLESHEET)) {
  const marker = document.createElement("meta");
  marker.id = CYTOSCAPE_STYLESHEET;
  document.head.append(marker);
}

// Above this many nodes the chart is drawn for speed: Cytoscape's WebGL renderer (where the
// browser has WebGL 2), nodes in rings by number of links (the force-directed layout's cost grows
// with the square of the nodes), names only once zoomed in or selected, and the tables list the
// first rows until asked for all. benchmarks/link_chart.py measures a chart of 5,000 nodes.
const LARGE_CHART = 1000;
const LABEL_ZOOM = 0.75;
const TABLE_ROWS = 200;
// Colours by selector, not by function: Cytoscape caches styles it can read from the sheet.
const STYLE = [
  {
    selector: "node",
    style: {
      "background-color": "#505a5f",
      "font-size": 11,
      "text-wrap": "ellipsis",
      "text-max-width": 120,
    },
  },
  ...Object.entries(COLOURS).map(([kind, colour]) => ({
    selector: `node[kind = "${kind}"]`,
    style: { "background-color": colour },
  })),
  { selector: "node.labelled, node:selected", style: { label: "data(label)" } },
  { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00" } },
  { selector: "node.pinned", style: { shape: "diamond" } },
  // Straight "haystack" lines, Cytoscape's cheapest edges to measure and draw; one pixel wider
  // for each record behind a link, up to 8.
  {
    selector: "edge",
    style: { width: 2, "line-color": "#b1b4b6", "curve-style": "haystack" },
  },
  ...[2, 3, 4, 5, 6, 7].map((count) => ({
    selector: `edge[count >= ${count}]`,
    style: { width: count + 1 },
  })),
  { selector: "edge:selected", style: { "line-color": "#ffdd00" } },
];

// WebGL 2 drawn by the graphics card. A software rasteriser (SwiftShader, llvmpipe: a virtual
// desktop or a headless browser without a GPU) draws a large chart more slowly than Cytoscape's
// canvas renderer does. `?renderer=webgl` or `?renderer=canvas` in the page's address chooses.
const SOFTWARE_GL = /swiftshader|llvmpipe|software/i;

function webglAvailable() {
  const asked = new URLSearchParams(window.location.search).get("renderer");
  if (asked === "canvas") return false;
  try {
    const gl = document.createElement("canvas").getContext("webgl2");
    if (!gl) return false;
    if (asked === "webgl") return true;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "";
    return !SOFTWARE_GL.test(renderer);
  } catch {
    return false;
  }
}

const canUseWebgl = webglAvailable();
let cy = null;
let usingWebgl = false;

// Cytoscape's levers for drawing many elements quickly: one device pixel per CSS pixel, no
// motion blur, and while the user pans or zooms a snapshot of the chart moved about with the
// links left out, drawn properly once they stop.
const DRAWING = {
  pixelRatio: 1,
  motionBlur: false,
  textureOnViewport: true,
  hideEdgesOnViewport: true,
  minZoom: 0.02,
  maxZoom: 4,
};

function nodeElement(node, positions, labelled) {
  const element = { group: "nodes", data: node, locked: pinned.has(node.id) };
  if (positions) element.position = { ...positions.get(node.id) };
  element.classes = [pinned.has(node.id) && "pinned", labelled && "labelled"].filter(Boolean);
  return element;
}

function edgeElement(edge) {
  return { group: "edges", data: edge };
}

// The layout Cytoscape runs when a chart is made, for positions already given with the elements
// (or, on a small chart, laid out by cose just after): it leaves them alone. Cytoscape's "preset"
// layout sets every node's position again, about 0.15 s of the first drawing at 5,000 nodes.
function GivenLayout() {}
GivenLayout.prototype.run = function run() {
  this.emit("layoutstart");
  this.emit("layoutready");
  this.emit("layoutstop");
  return this;
};
GivenLayout.prototype.stop = function stop() {
  return this;
};

// A new chart holding the elements from the start (Cytoscape styles and measures them once,
// instead of once per addition), at the positions given, with the viewport already fitted.
// Made again with the WebGL renderer the first time a chart grows large: Cytoscape chooses its
// renderer when it starts.
function newChart(nodes, edges, positions) {
  if (cy) cy.destroy();
  usingWebgl = canUseWebgl && nodes.length > LARGE_CHART;
  const elements = [
    ...nodes.map((node) => nodeElement(node, positions, false)),
    ...edges.map(edgeElement),
  ];
  cy = cytoscape({
    container,
    style: STYLE,
    elements,
    // Not fitted by a layout, which measures every element first: the viewport is given.
    layout: { name: "given" },
    ...(positions ? fitted([...positions.values()]) : {}),
    ...DRAWING,
    renderer: { name: "canvas", webgl: usingWebgl },
  });
  cy.on("tap", "edge", (event) => provenance(event.target.data()));
  cy.on("dbltap", "node", (event) => {
    if (!event.target.data("restricted")) expand(event.target.id());
  });
  cy.on("zoom", () => labelNodes(cy));
  cy.scratch("labelled", false);
  container.dataset.renderer = usingWebgl ? "webgl" : "canvas";
  return cy;
}

// The chart as it is, brought to the nodes and links to show: what left is removed, what is new
// added (in one batch, so Cytoscape styles and draws once), the rest kept.
function updateChart(nodes, edges, positions) {
  const nodeIds = new Set(nodes.map((node) => node.id));
  const edgeIds = new Set(edges.map((edge) => edge.id));
  cy.batch(() => {
    cy.nodes()
      .filter((node) => !nodeIds.has(node.id()))
      .remove();
    cy.edges()
      .filter((edge) => !edgeIds.has(edge.id()))
      .remove();
    cy.add([
      ...nodes
        .filter((node) => cy.getElementById(node.id).empty())
        .map((node) => nodeElement(node, positions, cy.scratch("labelled"))),
      ...edges.filter((edge) => cy.getElementById(edge.id).empty()).map(edgeElement),
    ]);
    if (positions) {
      // Pinned nodes stay where they are; a node already in its place is left alone, so that
      // Cytoscape measures and draws again only what moved.
      cy.nodes(":unlocked").forEach((node) => {
        const wanted = positions.get(node.id());
        const { x, y } = node.position();
        if (wanted.x !== x || wanted.y !== y) node.position(wanted);
      });
    }
  });
  if (positions) cy.viewport(fitted(cy.nodes().map((node) => node.position())));
  return cy;
}

// A large chart's layout, in time proportional to its size and computed from the data before
// Cytoscape sees it: the nodes in the order a breadth-first search from the centre meets them
// (then any it does not reach), on a sunflower spiral (each node the golden angle round from the
// last, at a radius growing with the square root of its place), so the centre is in the middle,
// its neighbours round it, theirs further out, evenly spaced. Cytoscape's own layouts took
// seconds at 5,000 nodes.
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
const SPIRAL_SPACING = 40;

function spiral(nodes, edges) {
  const neighbours = new Map(nodes.map((node) => [node.id, []]));
  for (const edge of edges) {
    neighbours.get(edge.source).push(edge.target);
    neighbours.get(edge.target).push(edge.source);
  }
  const order = neighbours.has(centre) ? [centre] : [];
  const met = new Set(order);
  for (let index = 0; index < order.length; index += 1) {
    for (const next of neighbours.get(order[index])) {
      if (!met.has(next)) {
        met.add(next);
        order.push(next);
      }
    }
  }
  for (const node of nodes) {
    if (!met.has(node.id)) order.push(node.id);
  }
  return new Map(
    order.map((id, index) => {
      const radius = SPIRAL_SPACING * Math.sqrt(index);
      const angle = index * GOLDEN_ANGLE;
      return [id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle) }];
    }),
  );
}

// The zoom and pan showing every position with a margin round them, from the positions alone:
// Cytoscape's fit() measures every element and label first.
function fitted(points) {
  const box = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (const { x, y } of points) {
    box.x1 = Math.min(box.x1, x);
    box.y1 = Math.min(box.y1, y);
    box.x2 = Math.max(box.x2, x);
    box.y2 = Math.max(box.y2, y);
  }
  const width = container.clientWidth;
  const height = container.clientHeight;
  const margin = SPIRAL_SPACING;
  const zoom = Math.min(
    width / (box.x2 - box.x1 + 2 * margin),
    height / (box.y2 - box.y1 + 2 * margin),
  );
  return {
    zoom,
    pan: {
      x: width / 2 - (zoom * (box.x1 + box.x2)) / 2,
      y: height / 2 - (zoom * (box.y1 + box.y2)) / 2,
    },
  };
}

// Names on every node of a small chart; on a large one, once zoomed in far enough to read them.
function labelNodes(chart) {
  const wanted = chart.nodes().length <= LARGE_CHART || chart.zoom() >= LABEL_ZOOM;
  if (wanted !== chart.scratch("labelled")) {
    chart.scratch("labelled", wanted);
    chart.batch(() => chart.nodes().toggleClass("labelled", wanted));
  }
}

function filterQuery(node) {
  const query = new URLSearchParams(new FormData(filters));
  query.set("node", node);
  return query;
}

async function fetchAround(node) {
  const response = await fetch(`${graphUrl}?${filterQuery(node)}`, {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) {
    throw new Error(`The chart could not be loaded (${response.status}).`);
  }
  return response.json();
}

function merge(data) {
  for (const node of data.nodes) elements.nodes.set(node.id, node);
  for (const edge of data.edges) elements.edges.set(edge.id, edge);
}

// Work the chart does not need to answer input (the tables, the export links) waits until the
// browser is idle, or at most this long.
const IDLE_WAIT_MS = 1000;
const whenIdle = window.requestIdleCallback
  ? (work) => window.requestIdleCallback(work, { timeout: IDLE_WAIT_MS })
  : (work) => setTimeout(work, 0);

// Which drawing is the latest: an earlier one's deferred work is dropped.
let drawing = 0;

function draw() {
  // Until Cytoscape has loaded there is nothing to draw on: reload() draws once it has.
  if (!cytoscape) return;
  drawing += 1;
  const thisDrawing = drawing;
  performance.mark("chart:draw");
  const shownNodes = [...elements.nodes.values()].filter((node) => !hidden.has(node.id));
  const shownIds = new Set(shownNodes.map((node) => node.id));
  const shownEdges = [...elements.edges.values()].filter(
    (edge) => shownIds.has(edge.source) && shownIds.has(edge.target),
  );
  const large = shownNodes.length > LARGE_CHART;
  const positions = large ? spiral(shownNodes, shownEdges) : null;
  performance.measure("chart: layout", "chart:draw");
  const grown = canUseWebgl && large && !usingWebgl;
  const chart =
    cy && !grown
      ? updateChart(shownNodes, shownEdges, positions)
      : newChart(shownNodes, shownEdges, positions);
  if (!large) chart.layout({ name: "cose", animate: false, randomize: false }).run();
  labelNodes(chart);
  performance.measure("chart: elements", "chart:draw");
  // Ready once the laid-out chart has been drawn and answers a tap (Cytoscape draws on the next
  // animation frame): what the browser tests and benchmarks/link_chart.py wait for. The tables
  // and export links follow when the browser is idle.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (thisDrawing !== drawing) return;
      performance.measure("chart: drawn", "chart:draw");
      container.dataset.ready = "true";
      whenIdle(() => {
        if (thisDrawing !== drawing) return;
        renderTables(shownNodes, shownEdges);
        updateExports();
        performance.measure("chart: tables", "chart:draw");
      });
    }),
  );
}

function cell(row, content) {
  const td = document.createElement("td");
  td.className = "govuk-table__cell";
  if (content instanceof Node) td.append(content);
  else td.textContent = content;
  row.append(td);
  return td;
}

function nodeName(node) {
  if (node.restricted) {
    const tag = document.createElement("span");
    tag.className = "govuk-tag govuk-tag--grey";
    tag.textContent = "Restricted";
    return tag;
  }
  const link = document.createElement("a");
  link.className = "govuk-link";
  link.href = node.url;
  link.textContent = node.label;
  return link;
}

function button(text, hiddenText, action) {
  const control = document.createElement("button");
  control.type = "button";
  control.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
  control.textContent = text;
  const extra = document.createElement("span");
  extra.className = "govuk-visually-hidden";
  extra.textContent = hiddenText;
  control.append(extra);
  control.addEventListener("click", action);
  return control;
}

// A table row spanning the table, with a message or a button.
function wideRow(body, content, columns) {
  const row = document.createElement("tr");
  row.className = "govuk-table__row";
  cell(row, content).colSpan = columns;
  body.append(row);
}

// The tables list at most TABLE_ROWS rows each until the user asks for all of them: tens of
// thousands of rows would take the browser seconds to lay out.
let allRows = false;

function showAll() {
  allRows = true;
  draw();
}

function renderTables(nodes, edges) {
  const nodeBody = tables.querySelector("#chart-nodes tbody");
  const edgeBody = tables.querySelector("#chart-edges tbody");
  const nodeRows = allRows ? nodes : nodes.slice(0, TABLE_ROWS);
  const edgeRows = allRows ? edges : edges.slice(0, TABLE_ROWS);
  nodeBody.replaceChildren();
  for (const node of nodeRows) {
    const row = document.createElement("tr");
    row.className = "govuk-table__row";
    cell(row, nodeName(node));
    cell(row, KINDS[node.kind] || node.kind);
    const actions = cell(row, "");
    if (!node.restricted && !expanded.has(node.id)) {
      actions.append(button("Expand", node.label, () => expand(node.id)));
    }
    nodeBody.append(row);
  }
  if (nodeRows.length < nodes.length) {
    wideRow(nodeBody, button(`Show all ${nodes.length} nodes`, "", showAll), 3);
  }
  edgeBody.replaceChildren();
  edgeRows.forEach((edge, index) => {
    const row = document.createElement("tr");
    row.className = "govuk-table__row";
    cell(row, nodeName(elements.nodes.get(edge.source)));
    cell(row, nodeName(elements.nodes.get(edge.target)));
    cell(row, String(edge.count)).classList.add("govuk-table__cell--numeric");
    cell(row, `${edge.first_seen} to ${edge.last_seen}`).classList.add("cairn-nowrap");
    cell(row, edge.grading || "Not graded");
    cell(row, button("Show records", ` behind link ${index + 1}`, () => provenance(edge)));
    edgeBody.append(row);
  });
  if (edgeRows.length < edges.length) {
    wideRow(edgeBody, button(`Show all ${edges.length} links`, "", showAll), 6);
  }
  if (!edges.length) wideRow(edgeBody, "No links match the filters.", 6);
}

// The query of an export: the filters, the centre and the nodes expanded since.
function exportQuery() {
  const query = filterQuery(centre);
  const more = [...expanded].filter((key) => key !== centre);
  if (more.length) query.set("expand", more.join(","));
  return query;
}

function updateExports() {
  for (const link of document.querySelectorAll("[data-export]")) {
    const url = new URL(link.href);
    url.search = exportQuery().toString();
    link.href = url.toString();
  }
}

function say(message) {
  panel.replaceChildren();
  const text = document.createElement("p");
  text.className = "govuk-body";
  text.textContent = message;
  panel.append(text);
}

async function expand(key) {
  container.dataset.ready = "false";
  try {
    merge(await fetchAround(key));
    expanded.add(key);
    draw();
  } catch (error) {
    say(error.message);
  }
}

async function reload() {
  container.dataset.ready = "false";
  elements = { nodes: new Map(), edges: new Map() };
  performance.mark("chart:fetch");
  try {
    for (const key of expanded) merge(await fetchAround(key));
    performance.measure("chart: fetched", "chart:fetch");
    await cytoscapeLoaded;
    draw();
  } catch (error) {
    say(error.message);
  }
}

async function provenance(edge) {
  const response = await fetch(`${edge.provenance}?fragment=1`);
  if (!response.ok) {
    say(`The records could not be loaded (${response.status}).`);
    return;
  }
  // Server-rendered from Cairn's own template: escaped by Django.
  panel.innerHTML = await response.text();
  panel.focus();
}

function selectedNodes() {
  return cy ? cy.nodes(":selected") : [];
}

document.getElementById("chart-expand").addEventListener("click", () => {
  for (const node of selectedNodes()) {
    if (!node.data("restricted")) expand(node.id());
  }
});
document.getElementById("chart-hide").addEventListener("click", () => {
  for (const node of selectedNodes()) {
    if (node.id() !== centre) hidden.add(node.id());
  }
  draw();
});
document.getElementById("chart-show-hidden").addEventListener("click", () => {
  hidden.clear();
  draw();
});
document.getElementById("chart-pin").addEventListener("click", () => {
  for (const node of selectedNodes()) {
    if (pinned.delete(node.id())) node.unlock().removeClass("pinned");
    else {
      pinned.add(node.id());
      node.lock().addClass("pinned");
    }
  }
});
// A PNG leaves Cairn like any export: the server records the disclosure before it is drawn.
document.getElementById("chart-png").addEventListener("click", async () => {
  if (!cy) return;
  const record = document.getElementById("chart-png-record");
  const body = new URLSearchParams([...new FormData(record), ...exportQuery()]);
  const response = await fetch(record.action, { method: "POST", body });
  if (!response.ok) {
    say(`The PNG could not be recorded, so it was not made (${response.status}).`);
    return;
  }
  const link = document.createElement("a");
  link.href = cy.png({ full: true, bg: "#ffffff", maxWidth: 8000, maxHeight: 8000 });
  link.download = "link-chart.png";
  link.click();
});
filters.addEventListener("submit", (event) => {
  event.preventDefault();
  reload();
});

document.getElementById("chart-tools").hidden = false;
container.classList.add("cairn-link-chart--drawn");
reload();
