/**
 * The report page's own script (browser JavaScript, kept as text: it runs in the page, not in
 * Node). It reads the embedded data (report-data.ts), draws each run's timeline as positioned
 * elements (services as rows, steps as bars) and the over-time charts with uPlot.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kiln-data").textContent);
  var S = data.strings;
  var STATES = ["cached", "done", "error", "running"];

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function secs(ms) {
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  function pct(r) { return Math.round(r * 100) + "%"; }
  function when(iso) { return iso.replace("T", " ").replace(/\.\d+Z$/, "Z"); }

  function runSpan(run) {
    var end = 1;
    run.services.forEach(function (s) {
      end = Math.max(end, s.startMs + s.durationMs);
      s.steps.forEach(function (t) { end = Math.max(end, t[2] + t[3]); });
    });
    return end;
  }

  function timeline(run) {
    var span = runSpan(run);
    var box = el("div", { cls: "timeline", "data-run": run.id });
    var axis = el("div", { cls: "axis" }, [el("span", { cls: "label" })]);
    var ticks = el("div", { cls: "track ticks" });
    for (var i = 0; i <= 4; i++) {
      ticks.appendChild(el("span", { cls: "tick", style: "left:" + (i * 25) + "%", text: secs(Math.round(span * i / 4)) }));
    }
    axis.appendChild(ticks);
    box.appendChild(axis);
    run.services.forEach(function (s) {
      var track = el("div", { cls: "track" });
      var row = el("div", { cls: "row", "data-service": s.service, "data-outcome": s.outcome }, [
        el("span", { cls: "label", title: S[s.reason] || "", text: s.service }),
        track,
      ]);
      // when the service was busy (context, build, export): parallel jobs show as overlapping spans
      if (s.durationMs > 0) {
        track.appendChild(el("div", {
          cls: "busy", title: s.service + " busy " + secs(s.durationMs),
          style: "left:" + ((s.startMs / span) * 100).toFixed(3) + "%;width:" + ((s.durationMs / span) * 100).toFixed(3) + "%",
        }));
      }
      function bar(cls, name, state, start, dur) {
        var left = (start / span) * 100;
        var width = Math.max((dur / span) * 100, 0.4);
        track.appendChild(el("div", {
          cls: "bar " + cls, "data-step": name, "data-state": state, "data-ms": String(dur),
          style: "left:" + left.toFixed(3) + "%;width:" + Math.min(width, 100 - left).toFixed(3) + "%",
          title: name + " \u2014 " + state + ", " + secs(dur),
        }));
      }
      if (s.steps.length === 0 && s.outcome === "pulled") bar("st-pulled", "pull", "pulled", s.startMs, s.durationMs);
      s.steps.forEach(function (t) {
        var state = STATES[t[1]] || "running";
        bar("st-" + state, S[t[0]], state, t[2], t[3]);
      });
      row.appendChild(el("span", { cls: "outcome o-" + s.outcome, text: s.outcome + (s.durationMs ? " " + secs(s.durationMs) : "") }));
      box.appendChild(row);
    });
    return box;
  }

  function runSummary(run) {
    var t = run.totals;
    return el("summary", null, [
      el("span", { cls: "cmd", text: "kiln " + run.command }),
      el("span", { cls: "when", text: when(run.startedAt) }),
      el("span", { cls: "state s-" + run.state, text: run.state }),
      el("span", { text: secs(t.durationMs) }),
      el("span", { text: t.cached + "/" + t.steps + " steps cached" }),
    ]);
  }

  function card(key, label, value) {
    return el("div", { cls: "card" }, [el("div", { cls: "k", text: label }), el("b", { "data-k": key, text: value })]);
  }

  function renderLatest(root) {
    var run = data.runs[0];
    if (!run) { root.appendChild(el("p", { cls: "empty", text: "No runs recorded yet: run kiln bake, then kiln report." })); return; }
    var t = run.totals;
    root.appendChild(el("div", { cls: "cards" }, [
      card("command", "last run", "kiln " + run.command),
      card("state", "result", run.state),
      card("duration", "took", secs(t.durationMs)),
      card("cache-hit", "cache hits", pct(t.cacheHitRatio)),
      card("cached", "steps cached", t.cached + " / " + t.steps),
      card("saved", "time saved (est.)", secs(t.savedMs)),
    ]));
  }

  function renderRuns(root) {
    data.runs.forEach(function (run, i) {
      var d = el("details", { cls: "run", "data-run": run.id });
      d.appendChild(runSummary(run));
      var drawn = false;
      function draw() { if (!drawn) { drawn = true; d.appendChild(timeline(run)); } }
      if (i === 0) { d.open = true; draw(); }
      d.addEventListener("toggle", function () { if (d.open) draw(); });
      root.appendChild(d);
    });
  }

  function table(root, cols, rows, attr) {
    if (rows.length === 0) { root.appendChild(el("p", { cls: "empty", text: "none" })); return; }
    var head = el("tr", null, cols.map(function (c) { return el("th", { text: c[0] }); }));
    var body = rows.map(function (r) {
      var tr = el("tr", attr ? attr(r) : null, cols.map(function (c) { return el("td", { text: String(c[1](r)) }); }));
      return tr;
    });
    root.appendChild(el("div", { cls: "scroll" }, [el("table", null, [el("thead", null, [head]), el("tbody", null, body)])]));
  }

  function css(name) { return getComputedStyle(document.body).getPropertyValue(name).trim(); }

  /** a formatter whose decimals follow the axis step, so close values stay apart (2.04 / 2.06 MB) */
  function stepped(unit) {
    return function (u, splits, axis, space, incr) {
      var d = incr >= 1 || !incr ? 0 : Math.min(3, Math.ceil(-Math.log10(incr)));
      return splits.map(function (v) { return v.toFixed(d) + unit; });
    };
  }

  var charts = [];
  function chart(root, title, series, xs, ys, fmt, unit) {
    var box = el("figure", { cls: "chart" }, [el("figcaption", { text: title })]);
    root.appendChild(box);
    if (typeof uPlot === "undefined" || xs.length < 2) {
      box.appendChild(el("p", { cls: "empty", text: xs.length < 2 ? "needs two runs or more" : "chart library missing" }));
      return;
    }
    var colors = [css("--c-done"), css("--c-cached"), css("--c-pulled"), css("--c-error"), css("--fg")];
    var opts = {
      width: Math.max(260, box.clientWidth - 8), height: 180,
      // from zero: a flat line of equal values reads as equal, not as a jump between two decimals
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; } } },
      legend: { live: false },
      axes: [
        { stroke: css("--fg"), grid: { stroke: css("--grid") } },
        { stroke: css("--fg"), grid: { stroke: css("--grid") }, size: 78, values: stepped(unit) },
      ],
      series: [{}].concat(series.map(function (name, i) { return { label: name, stroke: colors[i % colors.length], width: 2, points: { show: true }, value: function (u, v) { return v === null ? "\u2013" : fmt(v); } }; })),
    };
    var u = new uPlot(opts, [xs].concat(ys), box);
    charts.push({ u: u, box: box });
  }

  function renderCharts(root) {
    var runs = data.runs.slice().reverse();
    var xs = runs.map(function (r) { return Date.parse(r.startedAt) / 1000; });
    chart(root, "Cache hits per run", ["cache hits"], xs, [runs.map(function (r) { return r.totals.steps ? r.totals.cacheHitRatio * 100 : null; })], function (v) { return Math.round(v) + "%"; }, "%");
    chart(root, "Time per run and time saved by the cache", ["took", "saved (est.)"], xs, [
      runs.map(function (r) { return r.totals.durationMs / 1000; }),
      runs.map(function (r) { return r.totals.savedMs / 1000; }),
    ], function (v) { return v.toFixed(1) + " s"; }, " s");
    var names = [];
    runs.forEach(function (r) { r.services.forEach(function (s) { if (s.imageSize !== undefined && names.indexOf(s.service) < 0) names.push(s.service); }); });
    chart(root, "Image sizes", names, xs, names.map(function (n) {
      return runs.map(function (r) { var s = r.services.find(function (x) { return x.service === n; }); return s && s.imageSize !== undefined ? s.imageSize / 1e6 : null; });
    }), function (v) { return v.toFixed(1) + " MB"; }, " MB");
  }

  document.getElementById("project").textContent = data.project;
  document.getElementById("generated").textContent = "generated " + when(data.generatedAt) + " \u00b7 " + data.runs.length + " runs";
  renderLatest(document.getElementById("latest"));
  renderCharts(document.getElementById("charts"));
  renderRuns(document.getElementById("runs"));
  table(document.getElementById("status"), [["service", function (r) { return r.service; }], ["state", function (r) { return r.state; }], ["reason", function (r) { return r.why ? r.reason + " \u2014 " + r.why : r.reason; }], ["image", function (r) { return r.image; }]], data.status, function (r) { return { "data-service": r.service, "data-state": r.state }; });
  table(document.getElementById("lint"), [["rule", function (r) { return r.rule; }], ["severity", function (r) { return r.severity; }], ["findings", function (r) { return r.count; }], ["first", function (r) { return r.example; }]], data.lint, function (r) { return { "data-rule": r.rule }; });
  var notes = document.getElementById("notes");
  data.notes.forEach(function (n) { notes.appendChild(el("li", { text: n })); });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.u.setSize({ width: Math.max(260, c.box.clientWidth - 8), height: 180 }); });
  });
})();
`;
