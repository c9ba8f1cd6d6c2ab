/* The patroller's phone: actions wait in a small queue in localStorage and are sent again until
   the server answers, so a dead spot under a bridge loses nothing; each carries the time it was
   tapped. Every action is idempotent on the server (steps move forward only; encounters carry a
   client request id). The task list watches for new tasks; the service worker keeps these pages
   for when there is no signal and shows push notifications when the page is closed. */
(function () {
  "use strict";
  var KEY = "songnuan.outreach.queue";
  var FAILED = "songnuan.outreach.refused";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var state = document.getElementById("queue-state");
  var script = document.getElementById("phone-script");
  function load(key) { try { return JSON.parse(localStorage.getItem(key || KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(items); }
  function show(items) {
    if (!state) { return; }
    state.hidden = !items.length;
    state.textContent = items.length ? (zh ? "有 " + items.length + " 项操作等待网络发送"
      : items.length + " action(s) waiting for the network") : "";
  }
  function csrf() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
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

  /* A refused form comes back as it was typed, with the reason beside the field. */
  function formFor(url) {
    var found = null;
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      if (form.action === url) { found = form; }
    });
    return found;
  }
  function refill(form, fields) {
    var names = {};
    fields.forEach(function (pair) { names[pair[0]] = true; });
    Object.keys(names).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        var slot = input.closest("fieldset.person[hidden]");
        if (slot) { slot.hidden = false; slot.disabled = false; }
      });
    });
    form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
      input.checked = fields.some(function (pair) { return pair[0] === input.name && pair[1] === input.value; });
    });
    fields.forEach(function (pair) {
      form.querySelectorAll("[name='" + pair[0] + "']").forEach(function (input) {
        if (input.type !== "radio" && input.type !== "checkbox" && input.type !== "file") { input.value = pair[1]; }
      });
    });
  }
  function showError(form, message, field) {
    var box = document.getElementById("encounter-error");
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var target = field && form.querySelector("[data-field='" + field + "']");
    if (target) { target.classList.add("has-error"); }
    if (box) {
      box.hidden = false;
      box.querySelector("span").textContent = message;
      box.scrollIntoView({ block: "start" });
    } else { alert(message); }
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    updateSiteRequired(form);
  }
  function refused(item, data) {
    var form = formFor(item.url);
    if (form) { refill(form, item.fields); showError(form, data.error, data.field); return true; }
    var kept = load(FAILED);
    kept.push({ url: item.url, fields: item.fields, error: data.error, field: data.field });
    localStorage.setItem(FAILED, JSON.stringify(kept));
    return false;
  }
  function restoreRefused() {
    var kept = load(FAILED), rest = [];
    kept.forEach(function (item) {
      var form = formFor(item.url);
      if (form) { refill(form, item.fields); showError(form, item.error, item.field); }
      else { rest.push(item); }
    });
    localStorage.setItem(FAILED, JSON.stringify(rest));
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
      var kept = false;
      if (!result.ok && result.data && result.data.error) {
        kept = refused(items[0], result.data);
        if (!kept) { alert(result.data.error); }
      }
      if (result.ok && result.data && result.data.warning) { alert(result.data.warning); }
      if (!rest.length) {
        if (kept) { return; }
        if (result.ok && result.data && result.data.next) { location.href = result.data.next; }
        else { location.reload(); }
        return;
      }
      return flush();
    }, function () { flushing = false; });
  }
  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (file && Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (f) { return f.files.length; })) {
        return;  // photos go with an ordinary submission
      }
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { if (typeof value === "string") { fields.push([name, value]); } });
      fields.push(["client_at", new Date().toISOString()]);
      var items = load();
      items.push({ url: form.action, fields: fields, at: Date.now() });
      save(items);
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      flush();
    });
  });

  /* The encounter form: quantity steppers sized for gloved hands, more people on demand (hidden
     slots are disabled fieldsets, so they send nothing until opened), the site required only
     when someone is escorted, and the chosen photo's name in the user's language. */
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
    if (!document.querySelector("fieldset.person[hidden]")) { addPerson.hidden = true; }
    addPerson.addEventListener("click", function () {
      var slot = document.querySelector("fieldset.person[hidden]");
      if (!slot) { return; }
      slot.hidden = false; slot.disabled = false;
      slot.scrollIntoView({ block: "start" });
      if (!document.querySelector("fieldset.person[hidden]")) { addPerson.hidden = true; }
    });
  }
  function updateSiteRequired(form) {
    var select = form.querySelector("select[name=site]");
    if (!select) { return; }
    var escorting = Array.prototype.some.call(form.querySelectorAll("input[type=radio]:checked"),
      function (input) { return input.value === "escorted"; });
    select.required = escorting;
    select.closest("label").classList.toggle("is-required", escorting);
  }
  document.querySelectorAll("form.encounter").forEach(function (form) {
    form.addEventListener("change", function () { updateSiteRequired(form); });
    updateSiteRequired(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      var name = input.closest(".photo-field").querySelector(".file-name");
      input.addEventListener("change", function () {
        name.textContent = input.files.length ? input.files[0].name : name.dataset.none;
      });
    });
    form.querySelectorAll("[data-use-site]").forEach(function (button) {
      button.addEventListener("click", function () {
        form.querySelector("select[name=site]").value = button.dataset.useSite;
        button.hidden = true;
      });
    });
  });
  restoreRefused();

  /* No signal: say so, and send the queue as soon as it is back. */
  var offline = document.getElementById("offline-state");
  function showSignal() { if (offline) { offline.hidden = navigator.onLine; } }
  window.addEventListener("online", function () { showSignal(); flush(); });
  window.addEventListener("offline", showSignal);
  showSignal();
  setInterval(flush, 15000);
  show(load());
  flush();

  /* The service worker: keeps this page (and, from the list, each task) for a dead spot. */
  function keep(urls) {
    if (!("serviceWorker" in navigator) || !navigator.onLine) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      urls.forEach(function (url) { registration.active.postMessage({ keep: url }); });
    });
  }
  function taskLinks() {
    return Array.prototype.map.call(document.querySelectorAll("#task-list a.phone-card"),
      function (a) { return a.getAttribute("href"); });
  }
  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {});
    keep([location.pathname].concat(taskLinks()));
  }

  /* The task list: a cheap poll of the tasks' ids and states; a change redraws the list, and a
     new task rings (a short tone, no sound file) and vibrates. Browsers allow sound only after
     the user touched the page once, so the tone is prepared on the first touch. */
  var list = document.getElementById("task-list");
  var audio = null;
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }
  ["pointerdown", "keydown"].forEach(function (type) { document.addEventListener(type, unlockAudio, { once: true }); });
  function ring() {
    if (navigator.vibrate) { navigator.vibrate([300, 120, 300]); }
    if (!audio || audio.state !== "running") { return; }
    [0, 0.25].forEach(function (offset) {
      var tone = audio.createOscillator(), gain = audio.createGain(), at = audio.currentTime + offset;
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      tone.connect(gain).connect(audio.destination);
      tone.start(at); tone.stop(at + 0.22);
    });
  }
  function ids(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-task]"), function (li) { return li.dataset.task; });
  }
  function refreshList() {
    return fetch(location.href, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("task-list");
      if (!fresh) { return; }
      var before = ids(list);
      list.innerHTML = fresh.innerHTML;
      list.dataset.cursor = fresh.dataset.cursor;
      var added = ids(list).filter(function (id) { return before.indexOf(id) === -1; });
      added.forEach(function (id) { list.querySelector("[data-task='" + id + "']").classList.add("is-new"); });
      if (added.length) {
        var banner = document.getElementById("new-task");
        if (banner) { banner.hidden = false; }
        ring();
      }
      keep([location.pathname].concat(taskLinks()));
    });
  }
  if (list && list.dataset.cursorUrl) {
    setInterval(function () {
      if (!navigator.onLine) { return; }
      fetch(list.dataset.cursorUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && data.cursor !== list.dataset.cursor) { return refreshList(); } })
        .catch(function () {});
    }, 4000);
  }

  /* Web Push: sign this phone up (once notifications are allowed), so a task reaches it with the
     page closed. */
  var offer = document.getElementById("push-offer");
  function applicationKey(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function register(subscription) {
    return fetch(offer.dataset.subscribeUrl, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(subscription),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
    });
  }
  function subscribe(registration) {
    return registration.pushManager.subscribe({ userVisibleOnly: true,
      applicationServerKey: applicationKey(offer.dataset.key) }).then(register).then(function () { offer.hidden = true; });
  }
  if (offer && offer.dataset.key && "serviceWorker" in navigator && "PushManager" in window) {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        if (existing) { return register(existing); }
        if (Notification.permission === "granted") { return subscribe(registration); }
        if (Notification.permission !== "denied") {
          offer.hidden = false;
          document.getElementById("push-on").addEventListener("click", function () {
            Notification.requestPermission().then(function (answer) {
              if (answer === "granted") { return subscribe(registration); }
              offer.hidden = true;
            }).catch(function () { offer.hidden = true; });
          });
        }
      });
    }).catch(function () {});
  }

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
