// The link chart: draws the nodes and links the server returns, expands, filters, hides and pins
// nodes, and shows a link's records. Everything is also listed in the tables, which this script
// keeps in step with the chart and which give keyboard users the same actions.
import cytoscape from "./vendor/cytoscape.esm.min.mjs";

const container = document.getElementById("link-chart");
const filters = document.getElementById("chart-filters");
const panel = document.getElementById("chart-provenance");
const tables = document.getElementById("chart-tables");
const centre = container.dataset.node;
const graphUrl = container.dataset.graphUrl;
const expanded = new Set([centre]);
const hidden = new Set();
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

const cy = cytoscape({
  container,
  style: [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "background-color": (node) => COLOURS[node.data("kind")] || "#505a5f",
        "font-size": 11,
        "text-wrap": "ellipsis",
        "text-max-width": 120,
      },
    },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00" } },
    { selector: "node.pinned", style: { shape: "diamond" } },
    {
      selector: "edge",
      style: { width: (edge) => Math.min(1 + edge.data("count"), 8), "line-color": "#b1b4b6" },
    },
    { selector: "edge:selected", style: { "line-color": "#ffdd00" } },
  ],
});

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

function draw() {
  const shownNodes = [...elements.nodes.values()].filter((node) => !hidden.has(node.id));
  const shownIds = new Set(shownNodes.map((node) => node.id));
  const shownEdges = [...elements.edges.values()].filter(
    (edge) => shownIds.has(edge.source) && shownIds.has(edge.target),
  );
  cy.batch(() => {
    cy.elements().filter((ele) => !shownIds.has(ele.id()) && ele.isNode()).remove();
    for (const node of shownNodes) {
      if (cy.getElementById(node.id).empty()) cy.add({ group: "nodes", data: node });
    }
    cy.edges().remove();
    cy.add(shownEdges.map((edge) => ({ group: "edges", data: edge })));
  });
  cy.layout({ name: "cose", animate: false, fit: true, randomize: false }).run();
  renderTables(shownNodes, shownEdges);
  updateExports();
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

function renderTables(nodes, edges) {
  const nodeBody = tables.querySelector("#chart-nodes tbody");
  const edgeBody = tables.querySelector("#chart-edges tbody");
  nodeBody.replaceChildren();
  for (const node of nodes) {
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
  edgeBody.replaceChildren();
  edges.forEach((edge, index) => {
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
  if (!edges.length) {
    const row = document.createElement("tr");
    row.className = "govuk-table__row";
    cell(row, "No links match the filters.").colSpan = 6;
    edgeBody.append(row);
  }
}

function updateExports() {
  for (const link of document.querySelectorAll("[data-export]")) {
    const url = new URL(link.href);
    const query = filterQuery(centre);
    const more = [...expanded].filter((key) => key !== centre);
    if (more.length) query.set("expand", more.join(","));
    url.search = query.toString();
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
  try {
    merge(await fetchAround(key));
    expanded.add(key);
    draw();
  } catch (error) {
    say(error.message);
  }
}

async function reload() {
  elements = { nodes: new Map(), edges: new Map() };
  try {
    for (const key of expanded) merge(await fetchAround(key));
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
  return cy.nodes(":selected");
}

cy.on("tap", "edge", (event) => provenance(event.target.data()));
cy.on("dbltap", "node", (event) => {
  if (!event.target.data("restricted")) expand(event.target.id());
});
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
    if (node.locked()) node.unlock().removeClass("pinned");
    else node.lock().addClass("pinned");
  }
});
document.getElementById("chart-png").addEventListener("click", () => {
  const link = document.createElement("a");
  link.href = cy.png({ full: true, bg: "#ffffff" });
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
