// The stance network view: a force layout (vendored d3-force) drawn as SVG, with filters and an evidence panel.
// Every <div class="network-view"> on the page is drawn from the JSON in its <script type="application/json"> child.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var FALLBACK = "#999999";

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(tag, text, parent, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    if (parent) parent.appendChild(node);
    return node;
  }

  // Edges of one slice, or all slices summed per (source, target).
  function edgesFor(data, slice) {
    if (slice !== "*") return data.edges.filter(function (e) { return e.slice === slice; });
    var merged = {};
    data.edges.forEach(function (e) {
      var key = e.source + "\u0000" + e.target;
      var m = merged[key];
      if (!m) {
        m = merged[key] = { source: e.source, target: e.target, counts: {}, total: 0, scoreSum: 0, scored: 0, articles: [], evidence: [] };
      }
      for (var label in e.counts) m.counts[label] = (m.counts[label] || 0) + e.counts[label];
      m.total += e.total;
      if (e.score !== null && e.score !== undefined) { m.scoreSum += e.score * e.total; m.scored += e.total; }
      e.articles.forEach(function (a) { if (m.articles.indexOf(a) < 0) m.articles.push(a); });
      e.evidence.forEach(function (x) { if (m.evidence.length < 3) m.evidence.push(x); });
    });
    return Object.keys(merged).map(function (key) {
      var m = merged[key], best = null;
      for (var label in m.counts) if (best === null || m.counts[label] > m.counts[best]) best = label;
      return { source: m.source, target: m.target, counts: m.counts, total: m.total, label: best,
               score: m.scored ? m.scoreSum / m.scored : null, articles: m.articles, evidence: m.evidence, slice: "*" };
    });
  }

  function draw(container) {
    var data = JSON.parse(container.querySelector("script[type='application/json']").textContent);
    var width = data.width || 1000, height = data.height || 640;
    var colours = data.stance_colours || {}, roleColours = data.role_colours || {};
    var controls = html("div", null, container, "network-controls");
    var scoreLabel = html("label", "min score ", controls);
    var score = html("input", null, scoreLabel);
    score.type = "range"; score.min = "0"; score.max = "1"; score.step = "0.05"; score.value = "0";
    var scoreValue = html("span", "0.00", scoreLabel, "score-value");
    var slice = null;
    if (data.slices && data.slices.length > 1) {
      var sliceLabel = html("label", " time slice ", controls);
      slice = html("select", null, sliceLabel);
      html("option", "all", slice).value = "*";
      data.slices.forEach(function (s) { html("option", s, slice).value = s; });
    }
    var shown = {};
    Object.keys(colours).forEach(function (label) {
      var box = html("label", null, controls, "label-filter");
      var input = html("input", null, box);
      input.type = "checkbox"; input.checked = true; input.value = label;
      shown[label] = true;
      input.addEventListener("change", function () { shown[label] = input.checked; render(); });
      var swatch = html("span", null, box, "swatch"); swatch.style.background = colours[label];
      box.appendChild(document.createTextNode(label));
    });
    Object.keys(roleColours).forEach(function (role) {
      var key = html("span", null, controls, "role-key");
      var dot = html("span", null, key, "swatch role"); dot.style.background = roleColours[role];
      key.appendChild(document.createTextNode(role));
    });
    var counter = html("span", "", controls, "network-count");
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, width: "100%", role: "img", "class": "network-svg",
                          "aria-label": "stance network" }, container);
    var defs = el("defs", {}, svg);
    var markerOf = {};
    Object.keys(colours).concat(["?"]).forEach(function (label, index) {
      var id = container.id + "-arrow-" + index;
      var marker = el("marker", { id: id, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "6", markerHeight: "6",
                                  orient: "auto" }, defs);
      el("path", { d: "M0,0 L10,5 L0,10 z", fill: colours[label] || FALLBACK }, marker);
      markerOf[label] = id;
    });
    var edgeLayer = el("g", { "class": "edges" }, svg), nodeLayer = el("g", { "class": "nodes" }, svg);
    var panel = html("div", null, container, "network-evidence");
    panel.textContent = "Click an edge to see its evidence.";

    // One layout for every filter setting: all nodes, all edges of all slices.
    var nodes = data.nodes.map(function (n) { return Object.assign({}, n); });
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; n.radius = 5 + 3 * Math.sqrt(n.articles || 1); });
    var links = edgesFor(data, "*").map(function (e) { return { source: e.source, target: e.target }; });
    var simulation = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id(function (n) { return n.id; }).distance(90))
      .force("charge", d3.forceManyBody().strength(-260))
      .force("collide", d3.forceCollide().radius(function (n) { return n.radius + 8 + Math.min(String(n.name).length * 2.5, 45); }))
      .force("x", d3.forceX(width / 2).strength(0.03))
      .force("y", d3.forceY(height / 2).strength(0.05))
      .stop();
    for (var tick = 0; tick < 400; tick++) simulation.tick();  // laid out before the first paint
    // Fit the laid-out network into the view (scaled about its centre), leaving room for labels on the right.
    var margin = 24, labelRoom = 90;
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    nodes.forEach(function (n) { minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x); minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y); });
    var scale = Math.min((width - 2 * margin - labelRoom) / Math.max(maxX - minX, 1), (height - 2 * margin) / Math.max(maxY - minY, 1), 1.5);
    var offsetX = (width - labelRoom - scale * (maxX - minX)) / 2, offsetY = (height - scale * (maxY - minY)) / 2;
    nodes.forEach(function (n) { n.x = offsetX + scale * (n.x - minX); n.y = offsetY + scale * (n.y - minY); });
    // Labels: every node when few, else the most connected ones (all on hover).
    var degree = {};
    data.edges.forEach(function (e) { degree[e.source] = (degree[e.source] || 0) + e.total; degree[e.target] = (degree[e.target] || 0) + e.total; });
    var labelled = nodes.slice().sort(function (a, b) { return (degree[b.id] || 0) - (degree[a.id] || 0); })
      .slice(0, nodes.length > 40 ? 30 : nodes.length).map(function (n) { return n.id; });

    function showEvidence(edge) {
      panel.textContent = "";
      var source = byId[edge.source], target = byId[edge.target];
      html("strong", (source ? source.name : edge.source) + " \u2192 " + (target ? target.name : edge.target), panel);
      var parts = Object.keys(edge.counts).map(function (label) { return label + " " + edge.counts[label]; });
      html("div", parts.join(", ") + (edge.score === null ? "" : " \u00b7 mean score " + edge.score.toFixed(2)) +
           (edge.slice && edge.slice !== "*" ? " \u00b7 " + edge.slice : ""), panel);
      html("div", "articles: " + edge.articles.join(", "), panel, "articles");
      var list = html("ul", null, panel);
      edge.evidence.forEach(function (x) { html("li", "[" + x.article + "] " + x.text, list); });
    }

    function render() {
      var minimum = parseFloat(score.value);
      scoreValue.textContent = minimum.toFixed(2);
      var edges = edgesFor(data, slice ? slice.value : "*").filter(function (e) {
        return shown[e.label] !== false && (e.score === null || e.score >= minimum);
      });
      var visible = {};
      edges.forEach(function (e) { visible[e.source] = visible[e.target] = true; });
      var pairs = {};
      edges.forEach(function (e) { pairs[e.source + "\u0000" + e.target] = true; });
      edgeLayer.textContent = ""; nodeLayer.textContent = "";
      edges.forEach(function (e) {
        var a = byId[e.source], b = byId[e.target];
        if (!a || !b) return;
        var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy) || 1;
        var ux = dx / length, uy = dy / length;
        var sx = a.x + ux * a.radius, sy = a.y + uy * a.radius, ex = b.x - ux * (b.radius + 2), ey = b.y - uy * (b.radius + 2);
        var bend = pairs[e.target + "\u0000" + e.source] ? 0.15 * length : 0;  // both directions stay visible
        var cx = (sx + ex) / 2 - uy * bend, cy = (sy + ey) / 2 + ux * bend;
        var path = el("path", { "class": "edge", "data-label": e.label, d: "M" + sx.toFixed(1) + "," + sy.toFixed(1) +
          " Q" + cx.toFixed(1) + "," + cy.toFixed(1) + " " + ex.toFixed(1) + "," + ey.toFixed(1), fill: "none",
          stroke: colours[e.label] || FALLBACK, "stroke-width": (1.2 + Math.log(e.total) * 1.2).toFixed(2),
          "marker-end": "url(#" + (markerOf[e.label] || markerOf["?"]) + ")" }, edgeLayer);
        el("title", {}, path).textContent = (a.name + " \u2192 " + b.name + ": " + e.label + " (" + e.total + ")");
        path.addEventListener("click", function () { showEvidence(e); });
      });
      nodes.forEach(function (n) {
        if (!visible[n.id]) return;
        var group = el("g", { "class": "node", "data-id": n.id }, nodeLayer);
        el("circle", { cx: n.x.toFixed(1), cy: n.y.toFixed(1), r: n.radius.toFixed(1), fill: n.id === "AUTHOR" ? "#ffffff" :
          (roleColours[n.role] || FALLBACK), stroke: "#333" }, group);
        el("title", {}, group).textContent = n.name + (n.code ? " (" + n.code + ")" : "") + " \u00b7 " + (n.role || "?") +
          " \u00b7 " + n.mentions + " mentions in " + n.articles + " articles" +
          (n.aliases && n.aliases.length ? " \u00b7 also written " + n.aliases.join(", ") : "");
        var label = el("text", { x: (n.x + n.radius + 3).toFixed(1), y: (n.y + 4).toFixed(1), "class": "node-label" }, group);
        label.textContent = n.name;
        if (labelled.indexOf(n.id) < 0) label.setAttribute("class", "node-label hover-only");
      });
      counter.textContent = " " + Object.keys(visible).length + " actors, " + edges.length + " edges";
    }
    score.addEventListener("input", render);
    if (slice) slice.addEventListener("change", render);
    render();
  }

  var views = document.querySelectorAll("div.network-view");
  for (var i = 0; i < views.length; i++) draw(views[i]);
})();
