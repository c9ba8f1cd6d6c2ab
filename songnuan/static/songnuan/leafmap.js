/* The Leaflet setup the staff maps share: a map in its box centred on the city, the tile layer
   when one is configured (data-tiles, data-attribution), every position shifted to the tiles'
   coordinate system (data-crs), and the GeoJSON of data-source drawn and fitted. */
(function (root) {
  "use strict";

  function create(box, zoom) {
    var crs = box.dataset.crs || "wgs84";
    var toTiles = root.SongnuanCoords ? root.SongnuanCoords.geoJsonCoords(crs) : undefined;
    var centre = root.SongnuanCoords ? root.SongnuanCoords.cityCentre() : [35.0, 105.0];
    var map = root.L.map(box, { preferCanvas: true })
      .setView(toTiles ? toTiles([centre[1], centre[0]]) : centre, zoom);
    map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
    box.leafletMap = map;  // for the browser tests: where the markers lie on the page
    if (box.dataset.tiles) {
      root.L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution || "" }).addTo(map);
    }
    return { map: map, toTiles: toTiles };
  }

  /* Fetch data-source, draw it with draw(data) → a Leaflet layer, fit the map to it and mark the
     box data-loaded with the number of features. */
  function load(box, map, draw, fitOptions) {
    return fetch(box.dataset.source, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = draw(data).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, fitOptions || {}); }
        box.setAttribute("data-loaded", String(data.features.length));
        return layer;
      });
  }

  function esc(text) {
    var div = document.createElement("div"); div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  root.SongnuanMap = { create: create, load: load, esc: esc };
}(window));
