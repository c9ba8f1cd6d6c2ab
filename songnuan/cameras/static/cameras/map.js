/* The cameras on the map beside the hotspots they watch, shifted to the coordinate system the
   tiles (if any) are drawn in; a camera silent too long is red. */
(function () {
  "use strict";
  var box = document.getElementById("camera-map");
  if (!box || !window.L) { return; }
  var crs = box.dataset.crs || "wgs84";
  var toTiles = window.SongnuanCoords ? SongnuanCoords.geoJsonCoords(crs) : undefined;
  var centre = window.SongnuanCoords ? SongnuanCoords.cityCentre() : [35.0, 105.0];
  var map = L.map(box, { preferCanvas: true })
    .setView(toTiles ? toTiles([centre[1], centre[0]]) : centre, 11);
  box.leafletMap = map;
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution || "" }).addTo(map);
  }
  function esc(text) {
    var div = document.createElement("div"); div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }
  fetch(box.dataset.source, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        coordsToLatLng: toTiles,
        pointToLayer: function (feature, latlng) {
          var p = feature.properties;
          if (p.kind === "hotspot") {
            return L.circleMarker(latlng, { radius: 12, color: "#8a6d00", weight: 1,
              fillColor: "#f5c211", fillOpacity: 0.35 });
          }
          return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5,
            fillColor: p.silent ? "#c01c28" : "#1a5fb4", fillOpacity: p.active ? 0.95 : 0.35 });
        },
        onEachFeature: function (feature, lyr) {
          var p = feature.properties;
          if (p.kind === "camera") {
            lyr.bindPopup('<a href="' + esc(p.url) + '"><b>' + esc(p.name) + "</b></a><br>" +
              esc(p.code) + " · " + esc(p.feed) + "<br>" + esc(p.district) +
              (p.hotspot ? " · " + esc(p.hotspot) : ""));
          } else {
            lyr.bindTooltip(esc(p.name));
          }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15, animate: false }); }
      box.setAttribute("data-loaded", String(data.features.length));
    });
}());
