/* Choosing a place: a click on a candidate (or on the pin map) fills the form's hidden WGS-84
   lat/lon; typing the place again forgets the choice, since it may no longer fit. */
(function () {
  "use strict";
  function formOf(el) { return el.closest("form"); }
  function choose(form, lat, lon, source, label) {
    form.querySelector("[name=lat]").value = lat;
    form.querySelector("[name=lon]").value = lon;
    var kind = form.querySelector("[name=place_source]");
    if (kind) { kind.value = source; }
    var note = form.querySelector(".place-chosen");
    if (note) { note.textContent = label; note.hidden = false; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".place-candidates .candidate");
    if (!button) { return; }
    event.preventDefault();
    var form = formOf(button);
    button.parentNode.querySelectorAll(".candidate").forEach(function (b) {
      b.classList.remove("is-chosen"); b.setAttribute("aria-pressed", "false");
    });
    button.classList.add("is-chosen");
    button.setAttribute("aria-pressed", "true");
    choose(form, button.dataset.lat, button.dataset.lon, button.dataset.source,
           button.dataset.chosen);
    if (window.songnuanPinMap) { window.songnuanPinMap(button.dataset.lat, button.dataset.lon); }
  });
  document.addEventListener("input", function (event) {
    if (event.target.name !== "place" || !event.target.form) { return; }
    var form = event.target.form;
    if (!form.querySelector(".place-candidates")) { return; }
    form.querySelector("[name=lat]").value = "";
    form.querySelector("[name=lon]").value = "";
    var note = form.querySelector(".place-chosen");
    if (note) { note.hidden = true; }
  });

  var holder = document.getElementById("pin-map");
  if (!holder || typeof L === "undefined") { return; }
  var setup = JSON.parse(document.getElementById("pin-map-data").textContent);
  var map = L.map(holder);
  map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
  if (setup.tiles) {
    L.tileLayer(setup.tiles, { maxZoom: 19, attribution: setup.attribution || "" }).addTo(map);
  }
  var outlines = L.geoJSON(setup.outlines, {
    style: { color: "#8c2f12", weight: 1.5, fillOpacity: 0.04 }
  }).addTo(map);
  var pin = null;
  function place(lat, lon) {
    var at = L.latLng(Number(lat), Number(lon));
    if (pin) { pin.setLatLng(at); } else { pin = L.circleMarker(at, { radius: 9, color: "#c5221f", fillOpacity: 0.8 }).addTo(map); }
    return at;
  }
  window.songnuanPinMap = function (lat, lon) { map.setView(place(lat, lon), 16); };
  map.on("click", function (event) {
    var lat = event.latlng.lat.toFixed(6), lon = event.latlng.lng.toFixed(6);
    place(lat, lon);
    choose(formOf(holder), lat, lon, "pin", setup.pinned + " " + lat + ", " + lon);
  });
  if (setup.lat !== null) { map.setView(place(setup.lat, setup.lon), 16); }
  else if (outlines.getBounds().isValid()) { map.fitBounds(outlines.getBounds()); }
  else { map.setView((document.documentElement.dataset.cityCentre || "35,105").split(",").map(Number), 11); }
})();
