/* The patroller's phone: actions wait in a small queue in localStorage and are sent again until
   the server answers, so a dead spot under a bridge loses nothing. Every action is idempotent on
   the server (steps move forward only; encounters carry a client request id). */
(function () {
  "use strict";
  var KEY = "songnuan.outreach.queue";
  var state = document.getElementById("queue-state");
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(items); }
  function show(items) {
    if (!state) { return; }
    state.hidden = !items.length;
    state.textContent = items.length ? (document.documentElement.lang.indexOf("zh") === 0
      ? "有 " + items.length + " 项操作等待网络发送" : items.length + " action(s) waiting for the network") : "";
  }
  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                             headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { done: response.status < 500, ok: response.ok, data: data };
        });
      });
  }
  var flushing = false;
  function flush() {
    if (flushing) { return Promise.resolve(); }
    var items = load();
    if (!items.length) { return Promise.resolve(); }
    flushing = true;
    return send(items[0]).then(function (result) {
      flushing = false;
      if (!result.done) { return; }
      var rest = load().slice(1);
      save(rest);
      if (!result.ok && result.data && result.data.error) { alert(result.data.error); }
      if (result.ok && result.data && result.data.warning) { alert(result.data.warning); }
      if (!rest.length) {
        if (result.ok && result.data && result.data.next) { location.href = result.data.next; }
        else { location.reload(); }
        return;
      }
      return flush();
    }, function () { flushing = false; });
  }
  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.querySelector("input[type=file]") && form.querySelector("input[type=file]").files.length) {
        return;  // photos go with an ordinary submission
      }
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { if (typeof value === "string") { fields.push([name, value]); } });
      var items = load();
      items.push({ url: form.action, fields: fields, at: Date.now() });
      save(items);
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      flush();
    });
  });
  /* The encounter form: quantity steppers sized for gloved hands, and more people on demand
     (hidden slots are disabled fieldsets, so they send nothing until opened). */
  document.querySelectorAll(".stepper").forEach(function (stepper) {
    var input = stepper.querySelector("input");
    stepper.querySelectorAll("button[data-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var next = (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10);
        input.value = Math.max(0, Math.min(parseInt(input.max, 10) || 20, next));
      });
    });
  });
  var addPerson = document.getElementById("add-person");
  if (addPerson) {
    addPerson.addEventListener("click", function () {
      var slot = document.querySelector("fieldset.person[hidden]");
      if (!slot) { return; }
      slot.hidden = false; slot.disabled = false;
      slot.scrollIntoView({ block: "start" });
      if (!document.querySelector("fieldset.person[hidden]")) { addPerson.hidden = true; }
    });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  show(load());
  flush();
  var reporter = document.getElementById("position-reporter");
  if (reporter && navigator.geolocation) {
    var report = function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var body = new FormData();
        body.append("lat", pos.coords.latitude); body.append("lon", pos.coords.longitude);
        body.append("csrfmiddlewaretoken", reporter.dataset.csrf);
        fetch(reporter.dataset.positionUrl, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
      }, function () {}, { maximumAge: 60000, timeout: 20000 });
    };
    report();
    setInterval(report, 60000);
  }
})();
