/* The person file's small map of usual places: a circle per place, larger the more often the
   person was met there, named on hover. The words come from the server's data. */
(function () {
  "use strict";
  var box = document.getElementById("habits-map");
  var node = document.getElementById("habits-data");
  if (!box || !node || !window.L) { return; }
  var data = JSON.parse(node.textContent);
  var crs = data.crs || "wgs84";
  function at(lat, lon) {
    var p = window.SongnuanCoords ? SongnuanCoords.fromWgs84(lat, lon, crs) : [lat, lon];
    return L.latLng(p[0], p[1]);
  }
  var map = L.map(box, { maxZoom: 18, scrollWheelZoom: false });
  map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
  box.leafletMap = map;
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution || "" }).addTo(map);
  }
  var group = L.featureGroup().addTo(map);
  (data.places || []).forEach(function (p, index) {
    L.circleMarker(at(p[0], p[1]), {
      radius: 6 + Math.min(10, 2 * p[2]), weight: 1, color: "#fff",
      fillColor: index === 0 ? "#b8401d" : "#1a5fb4", fillOpacity: 0.85
    }).bindTooltip((index + 1) + ". " + (p[3] || "") + " ×" + p[2]).addTo(group);
  });
  var bounds = group.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.5), { maxZoom: 16 }); }
  box.setAttribute("data-places", String((data.places || []).length));
}());
