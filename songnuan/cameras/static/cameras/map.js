/* The register's map: the cameras coloured by health beside the hotspots they watch (the shared
   setup in songnuan/leafmap.js, the cameras' layer in cameras/layer.js). */
(function () {
  "use strict";
  var box = document.getElementById("camera-map");
  if (!box || !window.L || !window.SongnuanMap || !window.SongnuanCameras) { return; }
  var made = SongnuanMap.create(box, 11);
  SongnuanMap.load(box, made.map, function (data) {
    return SongnuanCameras.layer(data, made.toTiles, true);
  }, { padding: [20, 20], maxZoom: 15, animate: false });
}());
