/* The "where" map: district outlines, a heat layer of people found, leads and encounters as
   clusters, hotspots numbered by rank and proposed hotspots as circles. Every word shown comes
   from the server's data, so the script carries no text of its own. */
(function () {
  "use strict";
  var holder = document.getElementById("where-map");
  var node = document.getElementById("where-data");
  if (!holder || !node || typeof L === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var crs = data.crs || "wgs84";
  function at(lat, lon) {
    var p = window.SongnuanCoords ? SongnuanCoords.fromWgs84(lat, lon, crs) : [lat, lon];
    return L.latLng(p[0], p[1]);
  }
  var map = L.map(holder, { maxZoom: 19 });  // markercluster needs a maximum even with no tiles
  map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
  holder.leafletMap = map;
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
  }
  var centre = SongnuanCoords.cityCentre();
  map.setView(at(centre[0], centre[1]), 11);
  var outlines = L.geoJSON(data.outlines || [], {
    style: { color: "#8c2f12", weight: 1.5, fillOpacity: 0.04 }, interactive: false,
    coordsToLatLng: function (c) { return at(c[1], c[0]); }
  }).addTo(map);
  var layers = {};
  if (L.heatLayer) {
    layers.heat = L.heatLayer((data.encounters || []).map(function (e) {
      var p = at(e[0], e[1]); return [p.lat, p.lng, e[2]];
    }), { radius: 22, blur: 18, maxZoom: 15 });
  }
  function clusters(points, css) {
    var group = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.layerGroup();
    points.forEach(function (e) {
      group.addLayer(L.circleMarker(at(e[0], e[1]), { radius: 5, weight: 1, color: "#fff", fillColor: css, fillOpacity: 0.9 }));
    });
    return group;
  }
  layers.leads = clusters(data.leads || [], "#1a5fb4");
  layers.encounters = clusters(data.encounters || [], "#b8401d");
  var marks = L.layerGroup().addTo(map);
  (data.hotspots || []).forEach(function (h) {
    L.marker(at(h.lat, h.lon), { zIndexOffset: 1000, icon: L.divIcon({ className: "hotspot-rank", html: String(h.rank), iconSize: [24, 24] }) })
      .bindTooltip(h.rank + ". " + h.name + " · " + h.people).addTo(marks);
  });
  var points = [];
  (data.proposals || []).forEach(function (p) {
    var centre = at(p.lat, p.lon);
    points.push(centre);
    L.circle(centre, { radius: p.radius_m, color: "#a86400", weight: 2, dashArray: "6 4", fillOpacity: 0.15 }).addTo(marks);
    L.marker(centre, { zIndexOffset: 1000, icon: L.divIcon({ className: "proposal-pin", html: "P" + p.number, iconSize: [30, 22] }) })
      .bindTooltip("P" + p.number + " · " + p.people).addTo(marks);
  });
  (data.hotspots || []).forEach(function (h) { points.push(at(h.lat, h.lon)); });
  (data.encounters || []).concat(data.leads || []).forEach(function (e) { points.push(at(e[0], e[1])); });
  var form = document.getElementById("map-layers");
  function sync() {
    Object.keys(layers).forEach(function (name) {
      var box = form && form.querySelector("[name=" + name + "]");
      if (box && box.checked) { layers[name].addTo(map); } else { map.removeLayer(layers[name]); }
    });
  }
  if (form) { form.addEventListener("change", sync); }
  sync();
  /* Aim at where things happened; the district outlines when nothing did. */
  if (points.length) {
    map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 15, animate: false });
  } else if (outlines.getLayers().length) {
    map.fitBounds(outlines.getBounds().pad(0.05), { animate: false });
  }
})();
