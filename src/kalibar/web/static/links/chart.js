/* Kalibar link chart: draws /api/v1/links answers with cytoscape (vendored), expands and
   collapses nodes, finds paths, pins, saves and exports. Everything shown comes from the
   API, which only ever returns what the reader may see. No inline script (CSP). */
(function () {
  "use strict";
  var app = document.getElementById("lk-chart-app");
  if (!app || typeof window.cytoscape !== "function") { return; }
  var words = JSON.parse(app.getAttribute("data-words") || "{}");
  var root = app.getAttribute("data-root");
  var savedId = app.getAttribute("data-chart");
  var csrf = app.getAttribute("data-csrf");
  var COLOURS = {
    person: "#1d70b8", company: "#4c2c92", vehicle: "#00703c", phone: "#f47738",
    address: "#6f777b", seizure: "#d4351c", declaration: "#b58840", record: "#0b0c0c",
    hit: "#912b88", trace: "#28a197"
  };
  var SHAPES = {
    seizure: "star", declaration: "rectangle", record: "diamond", hit: "triangle", trace: "hexagon"
  };
  var info = {};      // node id -> node from the API
  var hidden = {};    // agency -> count (largest seen)
  var selected = null;
  var pathFrom = null;
  var pathTo = null;

  var cy = window.cytoscape({
    container: document.getElementById("lk-canvas"),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
        "background-color": "data(colour)", "shape": "data(shape)", "width": 22, "height": 22 } },
      { selector: "node.root", style: { "border-width": 3, "border-color": "#ffdd00" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "node.pinned", style: { "border-style": "double", "border-width": 4 } },
      { selector: "edge", style: {
        "width": 1.5, "line-color": "#b1b4b6", "label": "data(label)", "font-size": 8,
        "curve-style": "bezier", "text-rotation": "autorotate" } },
      { selector: ".path", style: { "line-color": "#d4351c", "width": 4, "border-color": "#d4351c",
        "border-width": 3 } }
    ]
  });
  window.kalibarLinks = { cy: cy };

  function filters() {
    var form = document.getElementById("lk-filters");
    var params = new URLSearchParams();
    var kinds = form.querySelectorAll("input[name=kinds]");
    var all = true;
    kinds.forEach(function (k) { if (!k.checked) { all = false; } });
    if (!all) { kinds.forEach(function (k) { if (k.checked) { params.append("kinds", k.value); } }); }
    var since = form.querySelector("[name=since]").value;
    var until = form.querySelector("[name=until]").value;
    if (since) { params.set("since", since + "T00:00:00Z"); }
    if (until) { params.set("until", until + "T23:59:59Z"); }
    return params;
  }

  function status(text) { document.getElementById("lk-status").textContent = text || ""; }

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      });
  }

  function addChart(chart, markRoot) {
    var added = [];
    chart.nodes.forEach(function (n) {
      info[n.id] = n;
      if (cy.getElementById(n.id).length) { return; }
      added.push({ group: "nodes", data: {
        id: n.id, label: n.kind_label + ": " + n.label, colour: COLOURS[n.kind] || "#505a5f",
        shape: SHAPES[n.kind] || "ellipse", kind: n.kind } });
    });
    chart.edges.forEach(function (e) {
      var id = e.source + "|" + e.target + "|" + e.label;
      if (cy.getElementById(id).length) { return; }
      added.push({ group: "edges", data: { id: id, source: e.source, target: e.target,
        label: e.label_text } });
    });
    cy.add(added);
    if (markRoot) { cy.getElementById(chart.root).addClass("root"); }
    chart.hidden.forEach(function (h) { hidden[h.agency] = Math.max(hidden[h.agency] || 0, h.count); });
    showHidden(chart.hidden);
    if (chart.truncated) { status(words.truncated); }
    layout();
    listNodes();
    return added.length;
  }

  function showHidden(latest) {
    var list = document.getElementById("lk-hidden");
    list.textContent = "";
    latest.forEach(function (h) {
      var li = document.createElement("li");
      li.className = "lk-hidden-count";
      li.textContent = h.text;
      list.appendChild(li);
    });
  }

  function layout() {
    cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 }).run();
  }

  function listNodes() {
    var list = document.getElementById("lk-nodes");
    if (!list) {
      list = document.createElement("ul");
      list.id = "lk-nodes";
      list.className = "lk-nodes";
      document.getElementById("lk-canvas").insertAdjacentElement("afterend", list);
    }
    list.textContent = "";
    cy.nodes().forEach(function (node) {
      var n = info[node.id()];
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link lk-node";
      b.setAttribute("data-node", n.id);
      b.textContent = n.kind_label + ": " + n.label;
      b.addEventListener("click", function () { select(n.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function select(id) {
    selected = id;
    cy.$(":selected").unselect();
    cy.getElementById(id).select();
    var n = info[id];
    var box = document.getElementById("lk-selected");
    box.hidden = false;
    document.getElementById("lk-sel-title").textContent = n.kind_label + ": " + n.label;
    var facts = document.getElementById("lk-sel-facts");
    facts.textContent = "";
    [[words.reference, n.reference], [words.owner, n.owner],
     [words.time, n.time ? new Date(n.time).toLocaleString(document.documentElement.lang) : ""],
     ["", n.detail], [words.aliases, (n.aliases || []).length ? String(n.aliases.length) : ""]]
      .forEach(function (pair) {
        if (!pair[1]) { return; }
        var dt = document.createElement("dt"); dt.textContent = pair[0];
        var dd = document.createElement("dd"); dd.textContent = pair[1];
        facts.appendChild(dt); facts.appendChild(dd);
      });
    document.getElementById("lk-pin").textContent =
      cy.getElementById(id).hasClass("pinned") ? words.unpin : words.pin;
  }

  function load(center, hops, markRoot) {
    var params = filters();
    params.set("root", center);
    params.set("hops", String(hops));
    status("");
    return get("/api/v1/links/chart?" + params.toString())
      .then(function (chart) { addChart(chart, markRoot); })
      .catch(function () { status(words.failed); });
  }

  function exports() {
    var params = filters();
    params.set("root", root);
    params.set("hops", document.getElementById("lk-hops").value);
    params.set("format", "graphml");
    document.getElementById("lk-graphml").href = "/api/v1/links/export?" + params.toString();
    params.set("format", "ftm");
    document.getElementById("lk-ftm").href = "/api/v1/links/export?" + params.toString();
  }

  cy.on("tap", "node", function (evt) { select(evt.target.id()); });
  cy.on("dbltap", "node", function (evt) { load(evt.target.id(), 1, false); });

  document.getElementById("lk-filters").addEventListener("submit", function (evt) {
    evt.preventDefault();
    cy.elements().remove();
    info = {};
    hidden = {};
    exports();
    load(root, parseInt(document.getElementById("lk-hops").value, 10), true);
  });
  document.getElementById("lk-expand").addEventListener("click", function () {
    if (selected) { load(selected, 1, false); }
  });
  document.getElementById("lk-collapse").addEventListener("click", function () {
    if (!selected) { return; }
    var node = cy.getElementById(selected);
    node.neighborhood("node").forEach(function (other) {
      if (other.id() !== root && !other.hasClass("pinned") && other.degree() === 1) {
        delete info[other.id()];
        other.remove();
      }
    });
    listNodes();
  });
  document.getElementById("lk-pin").addEventListener("click", function () {
    if (!selected) { return; }
    var node = cy.getElementById(selected);
    if (node.hasClass("pinned")) { node.removeClass("pinned"); node.unlock(); }
    else { node.addClass("pinned"); node.lock(); }
    select(selected);
  });

  function pathEnds() {
    document.getElementById("lk-path-from").textContent = pathFrom ? info[pathFrom].label : "—";
    document.getElementById("lk-path-to").textContent = pathTo ? info[pathTo].label : "—";
    document.getElementById("lk-path").disabled = !(pathFrom && pathTo);
    var a = pathFrom && pathFrom.indexOf("entity:") === 0;
    var b = pathTo && pathTo.indexOf("entity:") === 0;
    document.getElementById("lk-survivor").value = a ? pathFrom.slice(7) : "";
    document.getElementById("lk-merged").value = b ? pathTo.slice(7) : "";
    document.getElementById("lk-merge-submit").disabled = !(a && b && pathFrom !== pathTo);
  }
  document.getElementById("lk-from").addEventListener("click", function () {
    pathFrom = selected; pathEnds();
  });
  document.getElementById("lk-to").addEventListener("click", function () {
    pathTo = selected; pathEnds();
  });
  document.getElementById("lk-path").addEventListener("click", function () {
    var params = filters();
    params.set("source", pathFrom);
    params.set("target", pathTo);
    var out = document.getElementById("lk-path-result");
    cy.elements().removeClass("path");
    get("/api/v1/links/path?" + params.toString()).then(function (chart) {
      if (!chart.nodes.length) { out.textContent = words.nopath; return; }
      addChart(chart, false);
      chart.nodes.forEach(function (n) { cy.getElementById(n.id).addClass("path"); });
      chart.edges.forEach(function (e) {
        cy.edges().filter(function (edge) {
          return (edge.source().id() === e.source && edge.target().id() === e.target) ||
                 (edge.source().id() === e.target && edge.target().id() === e.source);
        }).addClass("path");
      });
      out.textContent = chart.nodes.map(function (n) { return n.label; }).join(" → ");
      out.className = "small lk-path-found";
    }).catch(function () { out.textContent = words.failed; });
  });

  document.getElementById("lk-save").addEventListener("submit", function (evt) {
    evt.preventDefault();
    var form = evt.target;
    var f = filters();
    var positions = {};
    var pinned = [];
    cy.nodes().forEach(function (n) {
      var p = n.position();
      positions[n.id()] = [p.x, p.y];
      if (n.hasClass("pinned")) { pinned.push(n.id()); }
    });
    var body = {
      name: form.querySelector("[name=name]").value, root: root,
      nodes: cy.nodes().map(function (n) { return n.id(); }), pinned: pinned,
      positions: positions, kinds: f.getAll("kinds"),
      since: f.get("since"), until: f.get("until"),
      hops: parseInt(document.getElementById("lk-hops").value, 10),
      distribution: form.querySelector("[name=distribution]").value
    };
    fetch("/api/v1/links/charts", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (saved) {
      status(words.saved);
      window.history.replaceState(null, "", "/links/charts/" + saved.id);
    }).catch(function () { status(words.failed); });
  });

  exports();
  if (savedId) {
    get("/api/v1/links/charts/" + savedId).then(function (opened) {
      addChart(opened.chart, true);
      var body = opened.saved.body;
      Object.keys(body.positions || {}).forEach(function (id) {
        var node = cy.getElementById(id);
        if (node.length) { node.position({ x: body.positions[id][0], y: body.positions[id][1] }); }
      });
      (body.pinned || []).forEach(function (id) {
        var node = cy.getElementById(id);
        if (node.length) { node.addClass("pinned"); node.lock(); }
      });
    }).catch(function () { status(words.failed); });
  } else {
    load(root, 2, true);
  }
}());
