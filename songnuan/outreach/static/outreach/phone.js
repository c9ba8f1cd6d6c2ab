/* The patroller's phone. Each action (a step, a decline, the encounter) goes to the staff API as
   JSON. It waits first in a small queue in localStorage and is sent again until the server
   answers, so a dead spot under a bridge loses nothing: each carries the time it was tapped and
   its own idempotency key, made once at the tap and kept through every retry, so a replay never
   acts twice. A refusal puts the form back as it was typed, with the reasons beside the fields.
   The pages and their forms work without this script. The task list follows the API's change
   feed; the service worker keeps these pages for when there is no signal and shows push
   notifications when the page is closed. */
(function () {
  "use strict";
  var KEY = "songnuan.outreach.queue";
  var FAILED = "songnuan.outreach.refused";
  var PHOTO_SIDE_PX = 1280;  // enough to know someone again, small enough to queue offline
  var PHOTO_QUALITY = 0.8;
  var state = document.getElementById("queue-state");
  var script = document.getElementById("phone-script");
  var labelsNode = document.getElementById("phone-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : { status: {} };
  var unsaved = null;  // the queue, while the phone's storage has no room for it
  var signedOut = false;
  var nextPage = "";

  function read(key) { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function load() { return unsaved ? unsaved.slice() : read(KEY); }
  function save(items) {
    try { localStorage.setItem(KEY, JSON.stringify(items)); unsaved = null; } catch (e) { unsaved = items; }
    show(items);
  }
  function counted(forms, n) { return forms[n === 1 ? "one" : "other"].replace("%(n)s", n); }
  function show(items) {
    if (!state) { return; }
    var lines = [];
    if (items.length) {
      lines.push(counted(labels.queue, items.length));
      if (unsaved) {
        lines.push(labels.storage_full);
      }
      if (signedOut) {
        lines.push(labels.signed_out);
      }
    }
    state.hidden = !lines.length;
    state.textContent = lines.join(" ");
  }
  function csrf() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }  // every page carries the token for htmx; a form's is the same
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function send(item) {
    var options = { method: "POST", credentials: "same-origin",
                    headers: { "Accept": "application/json", "X-CSRFToken": csrf() } };
    if (item.api) {
      options.headers["Content-Type"] = "application/json";
      options.headers["Idempotency-Key"] = item.key;
      options.body = JSON.stringify(item.body);
    } else {  // a page form with no API of its own (a patrol stop checked off)
      options.body = new FormData();
      item.fields.forEach(function (pair) { options.body.append(pair[0], pair[1]); });
    }
    return fetch(item.api || item.url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        // Signed out, or a server in trouble: the action stays queued and goes again later.
        var later = response.status >= 500 || response.status === 401 || response.status === 429;
        return { done: !later, ok: response.ok, status: response.status, data: data };
      });
    });
  }

  /* The API's JSON from a form as typed: the people met (the slots filled in), each one's
     outcome, supplies and photo (made smaller first), the site, the note; every action carries
     the time it was tapped. Also says which slot of the form each person came from, so that a
     refusal naming "people.1.age_estimate" finds its field. */
  function actionFrom(form, fields, tappedAt) {
    var kind = form.dataset.action;
    if (kind === "decline") {
      return Promise.resolve({ body: { reason: value(fields, "reason"), client_at: tappedAt }, slots: [] });
    }
    if (kind !== "encounter") { return Promise.resolve({ body: { client_at: tappedAt }, slots: [] }); }
    var slots = [], people = [];
    openSlots(form).forEach(function (slot) {
      var file = form.querySelector("input[name='p" + slot + "-photo']");
      var chosen = file && file.files.length ? file.files[0] : null;
      var held = form.heldPhotos && form.heldPhotos[slot];
      var person = personFrom(fields, "p" + slot + "-");
      if (!isFilled(person) && !chosen && !held) { return; }
      slots.push(slot);
      people.push((chosen ? photoData(chosen) : Promise.resolve(held || null)).then(function (photo) {
        if (photo) { person.photo = photo; }
        return person;
      }));
    });
    return Promise.all(people).then(function (met) {
      var site = value(fields, "site");
      return { slots: slots, body: {
        outcome: value(fields, "outcome") || null, people: met,
        site_id: site ? wholeOrText(site) : null, hospital: value(fields, "hospital"),
        contact_card_left: !!value(fields, "contact_card"), note: value(fields, "note"),
        client_at: tappedAt } };
    });
  }
  function personFrom(fields, prefix) {
    var person = { supplies: {} }, id = value(fields, prefix + "person"), age = value(fields, prefix + "age");
    if (id) { person.person_id = wholeOrText(id); }
    if (age) { person.age_estimate = wholeOrText(age); }
    ["sex", "name", "outcome"].forEach(function (name) {
      var typed = value(fields, prefix + name);
      if (typed) { person[name] = typed; }
    });
    fields.forEach(function (pair) {
      var item = pair[0].indexOf(prefix + "item-") === 0 ? pair[0].slice(prefix.length + 5) : "";
      var count = pair[1].trim();
      if (item && count && count !== "0") { person.supplies[item] = wholeOrText(count); }
    });
    return person;
  }
  function isFilled(person) {
    return !!(person.person_id || person.age_estimate || person.name || person.outcome ||
              Object.keys(person.supplies).length);
  }
  function value(fields, name) {
    var found = fields.filter(function (pair) { return pair[0] === name; });
    return found.length ? found[found.length - 1][1].trim() : "";
  }
  // A number as a number; anything else as typed, so that the server names the field it refuses.
  function wholeOrText(text) { return /^\d+$/.test(text) ? parseInt(text, 10) : text; }
  function openSlots(form) {
    return Array.prototype.map.call(form.querySelectorAll("fieldset.person:not([disabled])"),
      function (fieldset) { return fieldset.dataset.person; });
  }
  function photoData(file) {
    function whole() {
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () { resolve(reader.result); };
        reader.onerror = reject;
        reader.readAsDataURL(file);
      });
    }
    if (!window.createImageBitmap) { return whole(); }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_SIDE_PX / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", PHOTO_QUALITY);
    }, whole);  // not an image this browser reads: sent as it is, the server says why
  }

  /* A refused form comes back as it was typed, with the reasons beside the fields. */
  function formFor(url) {
    var found = null;
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      if (form.action === url) { found = form; }
    });
    return found;
  }
  function refill(form, item) {
    var fields = item.fields, names = {};
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
    form.heldPhotos = {};
    ((item.body && item.body.people) || []).forEach(function (person, index) {
      var slot = (item.slots || [])[index];
      var fieldset = form.querySelector("fieldset[data-person='" + slot + "']");
      if (!person.photo || !fieldset) { return; }
      fieldset.hidden = false; fieldset.disabled = false;
      form.heldPhotos[slot] = person.photo;
      var name = fieldset.querySelector(".file-name");
      if (name) { name.textContent = name.dataset.kept; }
    });
  }
  var PERSON_PARTS = { age_estimate: "[name$='-age']", name: "[name$='-name']", sex: "[name$='-sex']",
                       person_id: "[name$='-q']", photo: ".photo-field", supplies: ".handed",
                       outcome: ".person-outcome" };
  var FORM_FIELDS = { site_id: "site", contact_card_left: "contact_card" };
  function boxOf(element) {
    if (!element || !element.matches("input, select, textarea")) { return element; }
    return element.closest("label") || element;
  }
  function fieldBox(form, field, slots) {
    var parts = String(field || "").split(".");
    if (parts[0] === "people" && /^\d+$/.test(parts[1] || "")) {
      var slot = slots && slots[+parts[1]] !== undefined ? slots[+parts[1]] : parts[1];
      var person = form.querySelector("fieldset[data-person='" + slot + "']");
      var part = person && PERSON_PARTS[parts[2]] && person.querySelector(PERSON_PARTS[parts[2]]);
      return boxOf(part) || person;
    }
    var name = FORM_FIELDS[parts[0]] || parts[0];
    if (!name) { return null; }
    return form.querySelector("[data-field='" + name + "']") || boxOf(form.querySelector("[name='" + name + "']"));
  }
  function showErrors(form, refusal, slots) {
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    form.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    (refusal.errors || []).forEach(function (problem) {
      var box = fieldBox(form, problem.field, slots);
      if (!box) { return; }
      if (box.tagName === "DETAILS") { box.open = true; }
      box.classList.add("has-error");
      box.appendChild(Object.assign(document.createElement("span"),
                                    { className: "field-error", textContent: problem.message }));
    });
    var box = document.getElementById(form.dataset.errorBox || "");
    if (box) {
      box.hidden = false;
      box.querySelector("span").textContent = refusal.message;
      box.scrollIntoView({ block: "start" });
    } else if (!form.querySelector(".field-error")) { alert(refusal.message); }
    var folded = form.closest("details");
    if (folded) { folded.open = true; }
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    updateSiteRequired(form);
  }
  function refusalOf(data) {
    if (data.message) { return { message: data.message, errors: data.errors || [] }; }
    var message = data.error || labels.not_saved;  // a page form's own answer
    return { message: message, errors: data.field ? [{ field: data.field, message: message }] : [] };
  }
  /* Shown in its form when the form is on this page; kept for the page that has it otherwise. */
  function refused(item, data) {
    var refusal = refusalOf(data), form = formFor(item.url);
    if (form) { refill(form, item); showErrors(form, refusal, item.slots); return true; }
    if (item.keep) {
      var kept = read(FAILED);
      item.refusal = refusal;
      kept.push(item);
      try { localStorage.setItem(FAILED, JSON.stringify(kept)); } catch (e) { /* the alert, at least */ }
    }
    alert(refusal.message);
    return false;
  }
  function restoreRefused() {
    var kept = read(FAILED), rest = [];
    kept.forEach(function (item) {
      var form = formFor(item.url);
      if (form) { refill(form, item); showErrors(form, item.refusal, item.slots); } else { rest.push(item); }
    });
    localStorage.setItem(FAILED, JSON.stringify(rest));
  }

  /* A step taken: the page says so at once and keeps only the buttons for the steps ahead, so
     that what is being typed in the encounter form stays where it is. */
  function showStatus(task) {
    var tag = document.getElementById("task-status");
    if (!tag || !task || !task.status) { return; }
    tag.textContent = labels.status[task.status] || task.status;
    document.querySelectorAll("[data-until]").forEach(function (element) {
      element.hidden = element.dataset.until.split(" ").indexOf(task.status) === -1;
    });
  }

  /* A step on the scene (a report split off, a lead nearby merged) done or refused: say so. */
  function said(message, refusal) {
    var box = document.getElementById("action-said");
    if (!message || !box) { return false; }
    box.textContent = message;
    box.classList.toggle("is-refusal", refusal);
    box.hidden = false;
    return true;
  }

  var flushing = false;
  function flush() {
    if (flushing) { return Promise.resolve(); }
    var items = load();
    if (!items.length) { return Promise.resolve(); }
    var item = items[0];
    flushing = true;
    return send(item).then(function (result) {
      flushing = false;
      signedOut = result.status === 401;
      if (!result.done) { show(load()); return; }
      var rest = load().filter(function (other) { return other.key !== item.key; });
      save(rest);
      var data = result.data || {};
      var shown = result.ok || (item.inPlace ? said(refusalOf(data).message, true) : refused(item, data));
      if (result.ok) {
        if (data.warning) { alert(data.warning); }
        showStatus(data.task || data);
        nextPage = item.done || nextPage;
      }
      if (item.inPlace) {  // done or refused: the brief shows what stands now, with no reload
        if (result.ok) { said(item.said, false); }
        document.querySelectorAll(".lead-brief form").forEach(function (form) {
          if (form.action === item.url) { form.querySelectorAll("button").forEach(function (b) { b.disabled = false; }); }
        });
      }
      // What stands now, and what the squad may do about it: arrived, it may say who is there.
      if (brief) { followBrief(true); }
      if (rest.length) { return flush(); }
      if (nextPage) { location.href = nextPage; } else if (!shown || !item.api) { location.reload(); }
    }, function () { flushing = false; });
  }
  function queue(form, fields, tappedAt) {
    return actionFrom(form, fields, tappedAt).then(function (action) {
      var key = (form.dataset.action === "encounter" && value(fields, "client_request_id")) || newKey();
      var items = load();
      items.push({ api: form.dataset.api || "", url: form.action, key: key, at: tappedAt,
                   body: action.body, slots: action.slots, fields: fields,
                   keep: form.hasAttribute("data-keep"), done: form.dataset.done || "",
                   said: form.dataset.said || "", inPlace: !!form.closest(".lead-brief") });
      save(items);
      return flush();
    });
  }
  // A photo the page itself keeps (refused once without this script) goes with the page's form.
  function holdsToken(form) {
    return Array.prototype.some.call(
      form.querySelectorAll("fieldset.person:not([disabled]) [name$='-photo_token']"),
      function (input) { return input.value; });
  }
  // Listened for on the document, so forms the page puts in later (the brief, read again) queue too.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-queue]");
    if (!form || holdsToken(form)) { return; }
    var api = form.dataset.api || "";
    form.dataset.action = /\/encounter$/.test(api) ? "encounter" : /\/decline$/.test(api) ? "decline" : "step";
    event.preventDefault();
    var tappedAt = new Date().toISOString();
    var fields = [];
    new FormData(form).forEach(function (value, name) { if (typeof value === "string") { fields.push([name, value]); } });
    if (!api) { fields.push(["client_at", tappedAt]); }
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    queue(form, fields, tappedAt);
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
        if (form.heldPhotos) { delete form.heldPhotos[input.closest("fieldset").dataset.person]; }
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

  /* A new task rings (a short tone, no sound file) and vibrates. Browsers allow sound only after
     the user touched the page once, so the tone is prepared on the first touch. */
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

  /* The task list follows the API's change feed from the cursor the page was drawn with: a task
     new, moved on or closed changes the list in place. A row may come twice, so rows are applied
     by id. */
  var list = document.getElementById("task-list");
  var ACTIVE = ["assigned", "accepted", "arrived"];
  var tasks = {}, seen = {}, cursor = null;
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function clock(at) {
    return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      timeZone: list.dataset.timeZone || undefined }).format(new Date(at));
  }
  function card(task) {
    var li = element("li"), link = element("a", "phone-card");
    li.dataset.task = task.id;
    if (seen[task.id] === "new") { li.classList.add("is-new"); }
    link.href = list.dataset.taskUrl.replace("/0/", "/" + task.id + "/");
    link.append(element("span", "tag", labels.kind[task.kind] || task.kind), " ",
                element("span", "tag tag-muted", labels.status[task.status] || task.status), " ",
                element("strong", "", task.place || task.lead || "—"));
    if (task.lead) {
      var people = counted(labels.people, task.people_count);
      var flags = task.flags.map(function (flag) { return labels.flags[flag] || flag; });
      link.append(element("span", "muted", [task.lead, people].concat(flags).join(" · ")));
    }
    link.append(element("span", "muted", labels.assigned.replace("%(at)s", clock(task.assigned_at))));
    li.append(link);
    return li;
  }
  function draw() {
    var rows = Object.keys(tasks).map(function (id) { return tasks[id]; }).sort(function (a, b) {
      return a.assigned_at < b.assigned_at ? -1 : a.assigned_at > b.assigned_at ? 1 : a.id - b.id;
    });
    list.replaceChildren.apply(list, rows.length ? rows.map(card) : [element("li", "muted", list.dataset.empty)]);
  }
  function apply(rows) {
    var added = [], calledBack = [], changed = false;
    rows.forEach(function (task) {
      var known = tasks[task.id];
      if (ACTIVE.indexOf(task.status) === -1) {
        if (!known) { return; }
        if (task.status === "cancelled") { calledBack.push(task); }
        delete tasks[task.id];
        changed = true;
        return;
      }
      if (known && known.updated_at === task.updated_at) { return; }  // the same row again
      if (!seen[task.id]) { seen[task.id] = "new"; added.push(task.id); }
      tasks[task.id] = task;
      changed = true;
    });
    if (!changed) { return; }  // the cards stand: a tap is not lost to a card redrawn under it
    draw();
    if (added.length) {
      var banner = document.getElementById("new-task");
      if (banner) { banner.hidden = false; }
    }
    if (calledBack.length) { sayCalledBack(calledBack); }
    if (added.length || calledBack.length) { ring(); }
    keep([location.pathname].concat(taskLinks()));
  }
  // A task taken from the squad since the list was drawn: where, and why, so nobody drives on.
  function sayCalledBack(gone) {
    var box = document.getElementById("called-back");
    if (!box) { return; }
    box.replaceChildren.apply(box, gone.map(function (task) {
      return element("span", "", labels.called_back.replace("%(place)s", task.place || task.lead || "—")
        .replace("%(why)s", task.closed_reason || labels.status.cancelled));
    }));
    box.hidden = false;
  }
  function follow() {
    if (!navigator.onLine) { return Promise.resolve(); }
    var url = list.dataset.changesUrl + (cursor ? "?cursor=" + encodeURIComponent(cursor) : "");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        cursor = data.cursor;
        apply(data.tasks);
        if (data.more) { return follow(); }
      }).catch(function () {});
  }
  if (list && list.dataset.changesUrl) {
    list.querySelectorAll("[data-task]").forEach(function (li) { seen[li.dataset.task] = "shown"; });
    // The page came with the feed's first answer: read on from it, the cards drawn stand until
    // something changes (and a task called back before the first read is told like any other).
    var drawn = document.getElementById("task-feed");  // absent from a page kept by an older release
    if (drawn) {
      var feed = JSON.parse(drawn.textContent);
      feed.tasks.forEach(function (task) { tasks[task.id] = task; });
      cursor = feed.cursor;
    }
    follow();
    setInterval(follow, 4000);
  }

  /* The task page's brief (what was reported, the reports merged in, the open leads nearby)
     follows the server while the task is live: a report merged in or a lead placed nearby shows
     up in place, where reloading the page would lose what is typed in the form below it. */
  var brief = document.querySelector("section.lead-brief[data-follow]");
  function words(node) { return node.textContent.replace(/\s+/g, " ").trim(); }
  function followBrief(quiet) {  // quiet: the squad's own step changed it, nothing to announce
    if (!navigator.onLine || document.hidden || !brief.hasAttribute("data-follow")) { return; }
    fetch(location.pathname, { credentials: "same-origin", headers: { "X-Songnuan-Keep": "1" } })
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) {
        var page = html && new DOMParser().parseFromString(html, "text/html");
        var fresh = page && page.querySelector("section.lead-brief");
        if (!fresh) { return; }
        var live = fresh.hasAttribute("data-follow");
        if (!live) { closed(page); }
        if (words(fresh) === words(brief)) { return; }
        brief.replaceChildren.apply(brief, Array.prototype.slice.call(fresh.childNodes));
        var news = document.getElementById("brief-news");
        news.hidden = !live || (news.hidden && quiet === true);
        keep([location.pathname]);
      }).catch(function () {});
  }
  /* The task was called back meanwhile: say why and take its buttons away; what is typed stays
     on the page. */
  function closed(page) {
    var why = document.getElementById("task-closed"), fresh = page.getElementById("task-closed");
    why.textContent = fresh ? fresh.textContent : "";
    why.hidden = !why.textContent;
    document.getElementById("task-status").textContent = page.getElementById("task-status").textContent;
    document.querySelectorAll(".phone-actions").forEach(function (actions) { actions.hidden = true; });
    document.querySelectorAll("form.encounter button, .lead-brief button")
      .forEach(function (button) { button.disabled = true; });
    brief.removeAttribute("data-follow");
    clearInterval(following);
  }
  var following = null;
  if (brief) {
    following = setInterval(followBrief, 15000);
    // Taken out of the pocket, or back in signal: read it at once.
    document.addEventListener("visibilitychange", followBrief);
    window.addEventListener("online", followBrief);
  }

  /* Where the squad is, for the board: sent as it comes, never queued (a newer one follows). */
  var reporter = document.getElementById("position-reporter");
  if (reporter && navigator.geolocation) {
    var report = function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        fetch(reporter.dataset.positionUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": reporter.dataset.csrf },
          body: JSON.stringify({ lat: pos.coords.latitude, lon: pos.coords.longitude,
                                 client_at: new Date(pos.timestamp).toISOString() })
        }).catch(function () {});
      }, function () {}, { maximumAge: 60000, timeout: 20000 });
    };
    report();
    setInterval(report, 60000);
  }
})();
