// The live board: listens to server-sent events and redraws the figures in place.
// No library: EventSource reconnects by itself when the server ends a stream.
(function () {
  "use strict";
  var script = document.getElementById("board-script");
  if (!script || !window.EventSource) return;
  var live = document.getElementById("live");
  var liveText = document.getElementById("live-text");

  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, obj);
  }
  function fmt(v) {
    if (v === null || v === undefined || v === "") return "—";
    if (typeof v === "number") return Math.round(v).toLocaleString("ja-JP");
    return String(v);
  }
  function cell(text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    return td;
  }
  function rows(tbodySelector, items, build, emptyText, cols) {
    var tbody = document.querySelector(tbodySelector);
    if (!tbody) return;
    tbody.textContent = "";
    if (!items.length) {
      var tr = document.createElement("tr");
      var td = cell(emptyText, "muted");
      td.colSpan = cols;
      tr.appendChild(td);
      tbody.appendChild(tr);
      return;
    }
    items.forEach(function (it) { tbody.appendChild(build(it)); });
  }

  function render(b) {
    document.querySelectorAll("[data-k]").forEach(function (el) {
      el.textContent = fmt(get(b, el.getAttribute("data-k")));
    });
    var closed = document.getElementById("closed-now");
    if (closed) closed.hidden = b.operating;
    document.getElementById("progress").style.width = b.work.progress + "%";
    document.getElementById("inbound-box").classList.toggle("warn", b.inbound.waiting > 0);
    document.getElementById("esc-box").classList.toggle("bad", b.escalations.open > 0);
    var s = b.pace.shortfall;
    document.getElementById("shortfall").textContent =
      s === null ? "—" : s > 0 ? fmt(s) + "件不足" : "達成見込み";
    var box = document.getElementById("shortfall-box");
    box.classList.toggle("bad", !!s);
    box.classList.toggle("good", s === 0);
    var c = b.state_counts;
    document.getElementById("state-counts").textContent =
      "待機 " + c.ready + "人・通話中 " + c.on_call + "人・後処理 " + c.wrap_up +
      "人・休憩 " + c.break + "人・ログオフ " + c.offline + "人";

    rows("#operators tbody", b.operators, function (o) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-op", o.id);
      tr.appendChild(cell(o.name));
      var st = document.createElement("td");
      var badge = document.createElement("span");
      badge.className = "state " + o.state;
      badge.textContent = o.state_label;
      st.appendChild(badge);
      tr.appendChild(st);
      tr.appendChild(cell(o.since + (o.minutes === null ? "" : "（" + o.minutes + "分）")));
      tr.appendChild(cell(o.payer ? o.payer.name + "（" + o.payer.no + "）" : "—"));
      tr.appendChild(cell(o.reason, "muted"));
      tr.appendChild(cell(fmt(o.calls_today), "num"));
      return tr;
    }, "オペレーターがいません。", 6);

    rows("#lists tbody", b.lists, function (l) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(l.name));
      tr.appendChild(cell(l.audience));
      [l.members, l.ready, l.done, l.skipped].forEach(function (n) { tr.appendChild(cell(fmt(n), "num")); });
      return tr;
    }, "公開中のリストはありません。", 6);

    rows("#escalations tbody", b.escalations.items, function (e) {
      var tr = document.createElement("tr");
      [e.at, e.payer, e.content, e.status].forEach(function (t) { tr.appendChild(cell(t)); });
      return tr;
    }, "ありません。", 4);
  }

  var initial = document.getElementById("board-initial");
  if (initial) render(JSON.parse(initial.textContent));

  var source = new EventSource(script.getAttribute("data-stream"));
  source.addEventListener("board", function (ev) {
    render(JSON.parse(ev.data));
    live.classList.add("on");
    liveText.textContent = "自動更新中（" + new Date().toLocaleTimeString("ja-JP") + "）";
  });
  source.onerror = function () {
    live.classList.remove("on");
    liveText.textContent = "再接続中…";
  };
})();
