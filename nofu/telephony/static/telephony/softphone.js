// The operator's softphone: polls /telephony/me and shows the state and a ringing call.
// Plain JavaScript, no framework; the forms it intercepts also work without it.
(function () {
  "use strict";
  var root = document.getElementById("softphone");
  if (!root) return;
  var POLL_MS = 2000;
  var HIDDEN_POLL_MS = 10000;
  var meUrl = root.dataset.meUrl;
  var el = function (id) { return document.getElementById(id); };
  var timer = null;
  var stopped = false;
  var shownCall = null;
  var since = null;
  var baseTitle = document.title;
  // Requests overlap (the poll, a button): an answer older than the one shown is stale.
  var sent = 0;
  var shown = 0;
  function fresh(n) { if (n < shown) return false; shown = n; return true; }

  function text(node, value) { node.textContent = value == null ? "" : String(value); }

  function elapsed() {
    if (!since) { text(el("sp-since"), ""); return; }
    var s = Math.max(0, Math.floor((Date.now() - since) / 1000));
    var m = Math.floor(s / 60);
    text(el("sp-since"), (m >= 60 ? Math.floor(m / 60) + ":" + String(m % 60).padStart(2, "0") : m) + ":" + String(s % 60).padStart(2, "0"));
  }

  function renderBanner(me) {
    var call = me.call;
    var banner = el("sp-banner");
    if (!call) {
      banner.hidden = true;
      shownCall = null;
      document.title = baseTitle;
      return;
    }
    var inbound = call.direction === "in";
    var ringing = me.state === "on_call";
    text(el("sp-call-title"), inbound ? (ringing ? "着信" : "直前の着信") : (ringing ? "発信中" : "直前の発信"));
    text(el("sp-number"), call.number_display);
    var back = el("sp-return");
    if (call.return_call) {
      text(back, "返電（" + call.return_call.at + (call.return_call.by ? " " + call.return_call.by : "") + " が架電）");
      back.hidden = false;
    } else {
      back.hidden = true;
    }
    var list = el("sp-payers");
    list.replaceChildren();
    if (call.payers.length === 0) {
      var none = document.createElement("li");
      none.className = "muted";
      text(none, inbound ? "登録のない番号です" : "");
      list.appendChild(none);
    }
    call.payers.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.url;
      a.className = "sp-payer";
      text(a, p.name);
      li.appendChild(a);
      if (p.kana) {
        var kana = document.createElement("span");
        kana.className = "muted";
        text(kana, " " + p.kana);
        li.appendChild(kana);
      }
      list.appendChild(li);
    });
    if (call.payers_more) {
      var more = document.createElement("li");
      more.className = "muted";
      text(more, "ほか " + call.payers_more + " 名");
      list.appendChild(more);
    }
    var open = el("sp-open");
    var here = call.inbound_url && new URL(call.inbound_url, location.href).href === location.href;
    open.hidden = !call.inbound_url || here;
    if (call.inbound_url) open.href = call.inbound_url;
    banner.classList.toggle("sp-live", ringing);
    banner.hidden = false;
    if (shownCall !== call.call_id) {
      shownCall = call.call_id;
      if (ringing && inbound) document.title = "☎ 着信 " + call.number_display + " — " + baseTitle;
    }
    if (!ringing) document.title = baseTitle;
  }

  function render(me) {
    root.dataset.state = me.state;
    var state = el("sp-state");
    text(state, me.state_label);
    state.className = "sp-state sp-" + me.state;
    since = me.since ? Date.parse(me.since) : null;
    elapsed();
    text(el("sp-waiting"), me.waiting ? "待ち呼 " + me.waiting + "件" : "");
    var onCall = me.state === "on_call";
    root.querySelectorAll(".sp-states button").forEach(function (b) {
      b.disabled = onCall || b.dataset.state === me.state;
      b.classList.toggle("sp-current", b.dataset.state === me.state);
    });
    var hang = el("sp-hangup");
    hang.hidden = !onCall;
    if (me.call) hang.querySelector("input[name=call_id]").value = me.call.call_id;
    renderBanner(me);
  }

  function showError(message) { text(el("sp-error"), message || ""); }

  function schedule() {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  function poll() {
    var n = ++sent;
    fetch(meUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected || r.status === 401 || r.status === 403) {
          stopped = true;
          showError("ログインし直してください（電話の状態を更新できません）。");
          return null;
        }
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (me) { if (me && fresh(n)) { showError(""); render(me); } })
      .catch(function () { showError("電話の状態を取得できません。再試行しています…"); })
      .then(schedule);
  }

  // State buttons, hang-up and click-to-call (anywhere on the page) without a reload.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-softphone")) return;
    ev.preventDefault();
    var data = new FormData(form);
    if (ev.submitter && ev.submitter.name) data.append(ev.submitter.name, ev.submitter.value);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    var n = ++sent;
    fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().catch(function () { return { ok: false, message: "操作できませんでした（" + r.status + "）。" }; }); })
      .then(function (body) {
        if (body.ok) { showError(""); if (body.me && fresh(n)) render(body.me); }
        else showError(body.message);
      })
      .catch(function () { showError("通信できませんでした。もう一度操作してください。"); })
      .then(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        poll();
      });
  });

  document.addEventListener("visibilitychange", function () { if (!document.hidden && !stopped) poll(); });
  setInterval(elapsed, 1000);
  poll();
})();
