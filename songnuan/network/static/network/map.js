/* The staff network map: districts, sites by level, and a line from each site to its parent
   (the shared setup in songnuan/leafmap.js). */
(function () {
  "use strict";
  var box = document.getElementById("network-map");
  if (!box || !window.L || !window.SongnuanMap) { return; }
  box.innerHTML = "";
  var COLOURS = { central: "#8c2f12", sub: "#b8401d", relief: "#1a5fb4", guidance: "#1e7b3a" };
  var RADIUS = { central: 11, sub: 8, relief: 6, guidance: 4 };
  var esc = SongnuanMap.esc;
  var made = SongnuanMap.create(box, 9);
  SongnuanMap.load(box, made.map, function (data) {
    return L.geoJSON(data, {
      coordsToLatLng: made.toTiles,
      style: function (feature) {
        var p = feature.properties;
        if (p.kind === "district") { return { color: "#5f6368", weight: 1.5, fillColor: "#fbe9e2", fillOpacity: 0.25 }; }
        return { color: COLOURS[p.level] || "#555", weight: p.level === "sub" ? 2 : 1, opacity: 0.6, dashArray: p.level === "sub" ? null : "3 4" };
      },
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        return L.circleMarker(latlng, { radius: RADIUS[p.level] || 5, color: "#fff", weight: 1.5,
          fillColor: COLOURS[p.level] || "#555", fillOpacity: p.status === "open" ? 0.95 : 0.35 });
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties;
        if (p.kind === "site") {
          lyr.bindPopup('<a href="' + esc(p.url) + '"><b>' + esc(p.name) + "</b></a><br>" +
            esc(p.level_label) + " · " + esc(p.host) + "<br>" + esc(p.district));
        } else if (p.kind === "district") {
          lyr.bindTooltip(esc(p.name), { sticky: true });
        }
      }
    });
  }, { padding: [10, 10] });
}());
