/* The hotspot map: markers coloured by risk over district outlines (tiles only if configured,
   every position shifted to the coordinate system the tiles are drawn in). */
(function () {
  "use strict";
  var holder = document.getElementById("hotspot-map");
  var source = document.getElementById("hotspot-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { zoomControl: true });
  map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
  var toTiles = window.SongnuanCoords ? SongnuanCoords.geoJsonCoords(data.crs || "wgs84") : undefined;
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
  }
  var outlines = L.geoJSON(data.outlines, {
    style: { color: "#8c2f12", weight: 1.5, fillOpacity: 0.04 }, coordsToLatLng: toTiles
  }).addTo(map);
  var colours = { 1: "#1e7b3a", 2: "#a86400", 3: "#c5221f" };
  var markers = L.geoJSON(data, {
    coordsToLatLng: toTiles,
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 7, weight: 2, color: "#fff", fillOpacity: 0.9,
        fillColor: colours[feature.properties.risk] || "#1a5fb4"
      });
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      var link = document.createElement("a");
      link.href = (holder.dataset.detailBase || "") + p.id + "/";
      link.textContent = p.name;
      var box = document.createElement("div");
      box.appendChild(link);
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(p.type + " · " + p.risk_label + " · " + p.district));
      layer.bindPopup(box);
    }
  }).addTo(map);
  var bounds = markers.getLayers().length ? markers.getBounds() : outlines.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.15), { maxZoom: 16 }); }
  else {
    var centre = SongnuanCoords.cityCentre();
    map.setView(toTiles ? toTiles([centre[1], centre[0]]) : centre, 11);
  }
  holder.leafletMap = map;  // for the browser tests: where the markers lie on the page
  addOtherLayers(map, data.layers || [], toTiles);

  // Layers other apps register (outreach/map_layers.py), each drawn by its own script from its
  // own GeoJSON, fetched the first time it is switched on.
  function addOtherLayers(map, layers, toTiles) {
    var draw = window.SongnuanMapLayers || {};
    var overlays = {};
    layers.forEach(function (layer) {
      if (!draw[layer.key]) { return; }
      var group = L.layerGroup();
      group.on("add", function () {
        if (group.getLayers().length) { return; }
        fetch(layer.url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
          .then(function (found) {
            group.addLayer(draw[layer.key](found, toTiles));
            holder.setAttribute("data-layer-" + layer.key, String(group.getLayers()[0].getLayers().length));
          });
      });
      overlays[layer.label] = group;
    });
    if (Object.keys(overlays).length) { L.control.layers(null, overlays, { collapsed: false }).addTo(map); }
  }
})();
