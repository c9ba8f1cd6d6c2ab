/* The dispatch board: the queue and the map refreshed every few seconds without disturbing the
   dispatcher (rows are updated in place by lead, a row being worked on is left alone), filters
   kept in the URL hash, and keyboard shortcuts for the common actions. Every visible word comes
   from the server-rendered page, so the script carries no text of its own. */
(function () {
  "use strict";
  var queue = document.getElementById("board-queue");
  var setupNode = document.getElementById("board-data");
  if (!queue || !setupNode) { return; }
  var setup = JSON.parse(setupNode.textContent);
  var filterForm = document.getElementById("board-filters");
  var help = document.getElementById("board-help");
  var offline = document.getElementById("board-offline");
  var selectedKey = null;
  var csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  /* ---------------------------------------------------------------- the map */
  var map = null, markers = null, lines = null, fitted = false, crs = setup.crs || "wgs84";
  var markerByKey = {};
  function toTiles(lat, lon) {
    var p = window.SongnuanCoords ? SongnuanCoords.fromWgs84(lat, lon, crs) : [lat, lon];
    return L.latLng(p[0], p[1]);
  }
  function setUpMap() {
    var holder = document.getElementById("board-map");
    if (!holder || typeof L === "undefined") { return; }
    map = L.map(holder);
    map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
    if (setup.tiles) {
      L.tileLayer(setup.tiles, { maxZoom: 19, attribution: setup.attribution || "" }).addTo(map);
    }
    var centre = SongnuanCoords.cityCentre();
    map.setView(toTiles(centre[0], centre[1]), 11);
    var outlines = L.geoJSON(setup.outlines || [], {
      style: { color: "#8c2f12", weight: 1.5, fillOpacity: 0.04 }, interactive: false,
      coordsToLatLng: function (c) { return toTiles(c[1], c[0]); }
    }).addTo(map);
    if (outlines.getLayers().length) { map.fitBounds(outlines.getBounds().pad(0.05), { animate: false }); }
    lines = L.layerGroup().addTo(map);
    markers = L.layerGroup().addTo(map);
    holder.leafletMap = map;  // for the browser tests: where the markers lie on the page
  }
  function leadLink(lead) {
    var a = document.createElement("a");
    a.href = (setup.lead_url || "").replace(/0\/$/, lead.id + "/");
    a.textContent = lead.tracking_code;
    var box = document.createElement("div");
    box.appendChild(a);
    box.appendChild(document.createTextNode(" · " + (lead.status_label || "") +
      (lead.place ? " · " + lead.place : "") + (lead.district ? " · " + lead.district : "")));
    return box;
  }
  /* Markers are kept by lead and squad and moved in place, so an open popup or tooltip stays. */
  function place(key, at, make, update) {
    var marker = markerByKey[key];
    if (!marker) { marker = markerByKey[key] = make(at).addTo(markers); } else { marker.setLatLng(at); }
    update(marker);
    marker.seen = true;
    return marker;
  }
  function drawMap(data) {
    if (!map || !data) { return; }
    Object.keys(markerByKey).forEach(function (key) { markerByKey[key].seen = false; });
    var points = [];
    (data.leads || []).forEach(function (lead) {
      if (lead.lat === null || lead.lat === undefined || !matches(leadFacts(lead))) { return; }
      var key = "lead-" + lead.id, at = toTiles(lead.lat, lead.lon);
      points.push(at);
      place(key, at, function (where) {
        var marker = L.circleMarker(where, { radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9 })
          .bindTooltip("").bindPopup("");
        marker.on("click", function () { select(key, true); });
        marker.leadId = lead.id;
        return marker;
      }, function (marker) {
        marker.setStyle({ fillColor: lead.overdue ? "#c5221f" : (lead.task ? "#a86400" : "#b8401d") });
        marker.setTooltipContent(lead.tracking_code + " · " + (lead.status_label || ""));
        if (!marker.isPopupOpen()) { marker.setPopupContent(leadLink(lead)); }
      });
    });
    drawHelpNearby(data.leads || [], points);
    (data.squads || []).forEach(function (squad) {
      if (!squad.on_shift || squad.lat === null || squad.lat === undefined) { return; }
      var at = toTiles(squad.lat, squad.lon);
      points.push(at);
      place("squad-" + squad.id, at, function (where) {
        return L.marker(where).bindTooltip("");
      }, function (marker) {
        if (marker.status !== squad.status) {
          marker.status = squad.status;
          marker.setIcon(L.divIcon({ className: "squad-pin squad-" + squad.status, html: "▲", iconSize: [22, 22] }));
        }
        marker.setTooltipContent(squad.name + " " + squad.load + "/" + squad.capacity);
      });
    });
    Object.keys(markerByKey).forEach(function (key) {
      if (!markerByKey[key].seen) { markers.removeLayer(markerByKey[key]); delete markerByKey[key]; }
    });
    if (!fitted && points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.1), { maxZoom: 13, animate: false });
      fitted = true;
    }
    markSelectedOnMap();
  }
  /* The open sites the board names for leads no squad reaches in time, each joined to its
     leads by a dashed line: the dispatcher sees who is nearer than any squad. */
  function drawHelpNearby(leads, points) {
    lines.clearLayers();
    leads.forEach(function (lead) {
      if (lead.lat === null || lead.lat === undefined || !matches(leadFacts(lead))) { return; }
      (lead.help_nearby || []).forEach(function (site) {
        var at = toTiles(site.lat, site.lon);
        points.push(at);
        place("site-" + site.site_id, at, function (where) {
          var marker = L.marker(where, { icon: L.divIcon({ className: "site-pin", html: "✚", iconSize: [20, 20] }) })
            .bindTooltip("");
          marker.siteId = site.site_id;
          return marker;
        }, function (marker) {
          marker.setTooltipContent(site.name + " · " + site.phone);
        });
        L.polyline([toTiles(lead.lat, lead.lon), at], { color: "#2e7d32", weight: 2, dashArray: "4 6", interactive: false })
          .addTo(lines);
      });
    });
  }
  function markSelectedOnMap() {
    Object.keys(markerByKey).forEach(function (key) {
      if (key.indexOf("lead-") !== 0) { return; }
      markerByKey[key].setStyle({ weight: key === selectedKey ? 4 : 2, color: key === selectedKey ? "#1a1a1a" : "#fff" });
    });
  }
  var lastData = null;
  function readData(root) {
    var node = root.querySelector("#board-live");
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  /* ---------------------------------------------------------------- filters */
  var FILTERS = ["q", "district", "status", "flag", "source"];
  function filterValues() {
    var values = {};
    if (!filterForm) { return values; }
    FILTERS.forEach(function (name) {
      var field = filterForm.elements[name];
      if (field && field.value) { values[name] = field.value.trim(); }
    });
    return values;
  }
  function leadFacts(lead) {
    return {
      district: lead.district_id === null || lead.district_id === undefined ? "" : String(lead.district_id),
      status: lead.status || "", flags: lead.flags || [], source: lead.source || "",
      search: [lead.tracking_code, lead.place, lead.description, lead.district].join(" ")
    };
  }
  function rowFacts(row) {
    return {
      district: row.dataset.district || "", status: row.dataset.status || "",
      flags: (row.dataset.flags || "").split(" ").filter(Boolean), source: row.dataset.source || "",
      search: row.dataset.search || ""
    };
  }
  function matches(facts) {
    var f = filterValues();
    if (f.district && facts.district !== f.district) { return false; }
    if (f.status && facts.status !== f.status) { return false; }
    if (f.flag && facts.flags.indexOf(f.flag) < 0) { return false; }
    if (f.source && facts.source !== f.source) { return false; }
    if (f.q && facts.search.toLowerCase().indexOf(f.q.toLowerCase()) < 0) { return false; }
    return true;
  }
  function leadRows() { return Array.prototype.slice.call(queue.querySelectorAll("#lead-queue > li[data-lead]")); }
  function visibleRows() { return leadRows().filter(function (row) { return !row.hidden; }); }
  function applyFilters() {
    var rows = leadRows(), shown = 0;
    rows.forEach(function (row) { row.hidden = !matches(rowFacts(row)); if (!row.hidden) { shown += 1; } });
    var count = document.getElementById("filter-count");
    if (count) {
      var active = Object.keys(filterValues()).length > 0;
      count.textContent = active ? (count.dataset.template || "").replace("%(shown)s", shown).replace("%(total)s", rows.length) : "";
    }
    if (selectedKey && !rowByKey(selectedKey, true)) { selectedKey = null; }
    paintSelection();
    drawMap(lastData);
  }
  function filtersToHash() {
    var params = new URLSearchParams(filterValues());
    var hash = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (hash ? "#" + hash : ""));
  }
  function filtersFromHash() {
    if (!filterForm) { return; }
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    FILTERS.forEach(function (name) {
      var field = filterForm.elements[name];
      if (field) { field.value = params.get(name) || ""; }
    });
  }
  if (filterForm) {
    filterForm.hidden = false;
    filtersFromHash();
    filterForm.addEventListener("input", function () { applyFilters(); filtersToHash(); });
    filterForm.addEventListener("change", function () { applyFilters(); filtersToHash(); });
    filterForm.addEventListener("submit", function (event) { event.preventDefault(); });
    filterForm.addEventListener("reset", function () {
      setTimeout(function () { applyFilters(); filtersToHash(); }, 0);
    });
    window.addEventListener("hashchange", function () { filtersFromHash(); applyFilters(); });
  }

  /* ---------------------------------------------------------------- in-place refresh */
  function defaultValue(select) {
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].defaultSelected) { return select.options[i].value; }
    }
    return select.options.length ? select.options[0].value : "";
  }
  /* A part the dispatcher is working in: focus inside, or a field changed and not yet sent. */
  function isBusy(node) {
    if (node.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
    var selects = node.querySelectorAll("select");
    for (var i = 0; i < selects.length; i += 1) {
      if (selects[i].value !== defaultValue(selects[i])) { return true; }
    }
    var inputs = node.querySelectorAll("input:not([type=hidden]), textarea");
    for (var j = 0; j < inputs.length; j += 1) {
      if (inputs[j].value !== inputs[j].defaultValue) { return true; }
    }
    return node.classList.contains("is-sending");
  }
  function signature(node) { return node.className + "|" + node.textContent.replace(/\s+/g, " "); }
  /* Keep an image already shown instead of loading (and logging a read of) the photo again. */
  function keepImages(oldNode, newNode) {
    var kept = {};
    oldNode.querySelectorAll("img").forEach(function (img) { kept[img.getAttribute("src")] = img; });
    newNode.querySelectorAll("img").forEach(function (img) {
      var old = kept[img.getAttribute("src")];
      if (old) { img.replaceWith(old); }
    });
  }
  function mergeList(oldList, newList, force) {
    var current = {};
    Array.prototype.forEach.call(oldList.children, function (node) { current[node.dataset.key] = node; });
    var wanted = Array.prototype.slice.call(newList.children).map(function (fresh) {
      var key = fresh.dataset.key, old = current[key];
      delete current[key];
      if (!old) { return fresh; }
      if (key !== force && (isBusy(old) || signature(old) === signature(fresh))) { return old; }
      keepImages(old, fresh);
      old.replaceWith(fresh);
      return fresh;
    });
    Object.keys(current).forEach(function (key) {
      var node = current[key];
      // A lead the dispatcher is working on stays until they are done; the server refuses
      // an action on a lead that has gone, and says so.
      if (isBusy(node) && key !== force) { wanted.push(node); } else { node.remove(); }
    });
    var cursor = oldList.firstElementChild;
    wanted.forEach(function (node) {
      if (node === cursor) { cursor = cursor.nextElementSibling; return; }
      oldList.insertBefore(node, cursor);
    });
  }
  /* `answer` is set when the server has just answered an action; `answer.row` is the key of the
     row it was taken in: that row is redrawn even though the dispatcher was working in it,
     unless the server refused. */
  function merge(fresh, answer) {
    var force = answer && !fresh.querySelector(".message-error") ? answer.row : null;
    fresh.querySelectorAll("[data-part]").forEach(function (part) {
      var mine = queue.querySelector('[data-part="' + part.dataset.part + '"]');
      if (!mine) { return; }
      // A message answers an action: a periodic refresh leaves it up until the next one.
      if (part.dataset.part === "messages" ? !answer : isBusy(mine)) { return; }
      // The part itself stays (a live region announces only changes inside it).
      if (signature(mine) !== signature(part)) { mine.replaceChildren.apply(mine, Array.prototype.slice.call(part.childNodes)); }
    });
    var oldList = queue.querySelector("[data-list=leads]"), newList = fresh.querySelector("[data-list=leads]");
    if (oldList && newList) { mergeList(oldList, newList, force); }
    var data = readData(fresh);
    if (data) { lastData = data; }
    applyFilters();
  }
  function fetchQueue(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = { "HX-Request": "true", "X-CSRFToken": csrf };
    return fetch(url, options).then(function (response) {
      if (!response.ok && response.status !== 422) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      if (offline) { offline.hidden = true; }
      return new DOMParser().parseFromString(html, "text/html").getElementById("board-queue");
    });
  }
  // A refresh answered while an action is under way may show the board as it was before the
  // action: none is sent meanwhile, and the answer of one sent before is dropped.
  var refreshing = false, generation = 0, acting = 0;
  function refresh() {
    if (refreshing || acting || !setup.queue_url) { return; }
    refreshing = true;
    var sentIn = generation;
    fetchQueue(setup.queue_url)
      .then(function (fresh) { if (fresh && sentIn === generation) { merge(fresh, null); } })
      .catch(function () { if (offline) { offline.hidden = false; } })
      .then(function () { refreshing = false; });
  }

  /* ---------------------------------------------------------------- actions */
  function send(form, submitter) {
    var row = form.closest("li[data-key]");
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    if (row) { row.classList.add("is-sending"); }
    generation += 1;
    acting += 1;
    fetchQueue(form.action, { method: "POST", body: body })
      .then(function (fresh) {
        acting -= 1;
        if (row) { row.classList.remove("is-sending"); }
        if (form.contains(document.activeElement)) { document.activeElement.blur(); }
        if (fresh) { merge(fresh, { row: row ? row.dataset.key : null }); }
      })
      .catch(function () {
        acting -= 1;
        if (row) { row.classList.remove("is-sending"); }
        if (offline) { offline.hidden = false; }
      });
  }
  queue.addEventListener("submit", function (event) {
    if (!window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    send(event.target, event.submitter);
  });

  /* ---------------------------------------------------------------- keyboard */
  function rowByKey(key, visibleOnly) {
    var rows = visibleOnly ? visibleRows() : leadRows();
    for (var i = 0; i < rows.length; i += 1) { if (rows[i].dataset.key === key) { return rows[i]; } }
    return null;
  }
  function paintSelection() {
    leadRows().forEach(function (row) {
      var on = row.dataset.key === selectedKey;
      row.classList.toggle("is-selected", on);
      if (on) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
    });
    markSelectedOnMap();
  }
  function select(key, scroll) {
    selectedKey = key;
    paintSelection();
    var row = rowByKey(key, false);
    if (row && scroll) { row.scrollIntoView({ block: "nearest" }); }
  }
  function move(step) {
    var rows = visibleRows();
    if (!rows.length) { return; }
    var at = -1;
    rows.forEach(function (row, i) { if (row.dataset.key === selectedKey) { at = i; } });
    var next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step));
    select(rows[next].dataset.key, true);
  }
  function selectedRow() { return selectedKey ? rowByKey(selectedKey, true) : null; }
  function pick(row, n) {
    var ids = (row.dataset.suggested || "").split(" ").filter(Boolean);
    var select = row.querySelector("form select[name=squad]");
    if (!select || n > ids.length) { return; }
    select.value = ids[n - 1];
    row.querySelectorAll(".suggestions li").forEach(function (li, i) { li.classList.toggle("is-picked", i === n - 1); });
  }
  function assign(row) {
    var form = row.querySelector("form[data-action=assign]");
    if (!form) { return; }
    var select = form.querySelector("select[name=squad]");
    var first = (row.dataset.suggested || "").split(" ").filter(Boolean)[0];
    if (select && !select.value && first) { select.value = first; }
    send(form, form.querySelector("button[name=assign]"));
  }
  function toggleHelp(show) {
    if (!help) { return; }
    help.hidden = show === undefined ? !help.hidden : !show;
    var button = document.getElementById("help-toggle");
    if (button) { button.setAttribute("aria-expanded", String(!help.hidden)); }
  }
  var helpButton = document.getElementById("help-toggle");
  if (helpButton) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", function () { toggleHelp(); });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable;
    if (event.key === "Escape") {
      if (typing) { target.blur(); }
      toggleHelp(false);
      return;
    }
    if (typing) { return; }
    var row = selectedRow();
    switch (event.key) {
      case "j": case "ArrowDown": move(1); break;
      case "k": case "ArrowUp": move(-1); break;
      case "a": if (row) { assign(row); } break;
      case "o": if (row && row.dataset.url) { window.location.href = row.dataset.url; } break;
      case "/": var q = document.getElementById("filter-q"); if (q) { q.focus(); } break;
      case "?": toggleHelp(); break;
      default:
        if (/^[1-5]$/.test(event.key) && row) { pick(row, Number(event.key)); break; }
        return;
    }
    event.preventDefault();
  });
  queue.addEventListener("click", function (event) {
    var row = event.target.closest("#lead-queue > li[data-lead]");
    if (row && !event.target.closest("a, button, select, input")) { select(row.dataset.key, false); }
  });

  setUpMap();
  lastData = readData(queue);
  applyFilters();
  setInterval(refresh, setup.refresh_ms || 5000);
})();
