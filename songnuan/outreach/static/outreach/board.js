/* The dispatch board's map: open leads and squads, refreshed from the board's data endpoint. */
(function () {
  "use strict";
  var holder = document.getElementById("board-map");
  var source = document.getElementById("board-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var setup = JSON.parse(source.textContent);
  var map = L.map(holder);
  if (setup.tiles) { L.tileLayer(setup.tiles, { maxZoom: 19, attribution: setup.attribution || "" }).addTo(map); }
  map.setView([36.09, 120.38], 11);
  var outlines = L.geoJSON(setup.outlines || [], {
    style: { color: "#8c2f12", weight: 1.5, fillOpacity: 0.04 }, interactive: false
  }).addTo(map);
  if (outlines.getLayers().length) { map.fitBounds(outlines.getBounds().pad(0.05), { animate: false }); }
  var layer = L.layerGroup().addTo(map);
  var fitted = false;
  function draw(data) {
    layer.clearLayers();
    var points = [];
    data.leads.forEach(function (lead) {
      if (lead.lat === null) { return; }
      points.push([lead.lat, lead.lon]);
      L.circleMarker([lead.lat, lead.lon], {
        radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9,
        fillColor: lead.overdue ? "#c5221f" : (lead.task ? "#a86400" : "#b8401d")
      }).bindTooltip(lead.tracking_code + " · " + lead.status_label).addTo(layer);
    });
    data.squads.forEach(function (squad) {
      if (!squad.on_shift) { return; }
      points.push([squad.lat, squad.lon]);
      L.marker([squad.lat, squad.lon], {
        icon: L.divIcon({ className: "squad-pin squad-" + squad.status, html: "▲", iconSize: [22, 22] })
      }).bindTooltip(squad.name + " " + squad.load + "/" + squad.capacity).addTo(layer);
    });
    if (!fitted && points.length) { map.fitBounds(L.latLngBounds(points).pad(0.1), { maxZoom: 13, animate: false }); fitted = true; }
  }
  function refresh() {
    fetch(setup.board_url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  refresh();
  setInterval(refresh, 5000);
})();
