/* Cameras as a Leaflet layer, coloured by health (blue looking, red silent too long, orange
   snapshot not fetched, faded inactive): on the register's map beside the hotspots they watch,
   and on the hotspot map as a layer to switch on (SongnuanMapLayers.cameras). */
(function (root) {
  "use strict";
  var HEALTH = { ok: "#1a5fb4", silent: "#c01c28", fetch_problem: "#e66100", inactive: "#77767b" };

  function esc(text) {
    var div = document.createElement("div"); div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  /* On the register's map the hotspots are drawn too; on the hotspot map the cameras are
     smaller, so that the hotspot a camera watches still shows around it. */
  function layer(data, toTiles, withHotspots) {
    var radius = withHotspots ? 6 : 4;
    return root.L.geoJSON(data, {
      coordsToLatLng: toTiles,
      filter: function (feature) { return withHotspots || feature.properties.kind === "camera"; },
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        if (p.kind === "hotspot") {
          return root.L.circleMarker(latlng, { radius: 12, color: "#8a6d00", weight: 1,
            fillColor: "#f5c211", fillOpacity: 0.35 });
        }
        return root.L.circleMarker(latlng, { radius: radius, color: "#fff", weight: 1.5,
          fillColor: HEALTH[p.health] || HEALTH.ok, fillOpacity: p.active ? 0.95 : 0.35 });
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties;
        if (p.kind === "camera") {
          lyr.bindPopup('<a href="' + esc(p.url) + '"><b>' + esc(p.name) + "</b></a><br>" +
            esc(p.code) + " · " + esc(p.feed) + "<br>" + esc(p.district) +
            (p.hotspot ? " · " + esc(p.hotspot) : "") +
            (p.health_label ? "<br>" + esc(p.health_label) : ""));
        } else {
          lyr.bindTooltip(esc(p.name));
        }
      }
    });
  }

  root.SongnuanCameras = { layer: layer };
  root.SongnuanMapLayers = root.SongnuanMapLayers || {};
  root.SongnuanMapLayers.cameras = function (data, toTiles) { return layer(data, toTiles, false); };
}(window));
