/* The public report page: location by GPS or a map pin, the people counter, one send. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var lat = form.querySelector("[name=lat]");
  var lon = form.querySelector("[name=lon]");
  var coord = form.querySelector("[name=coord]");
  var status = document.getElementById("loc-status");
  var locate = document.getElementById("locate");
  var text = status.dataset;  // the page's own words, in the page's language

  // A phone's GPS speaks WGS-84; a point picked on the map is in the tiles' own system
  // (GCJ-02 for AMap or Tencent tiles, BD-09 for Baidu), which the server converts.
  function setPoint(latitude, longitude, message, system) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    coord.value = system || "wgs84";
    status.textContent = message;
    status.className = "loc-status ok";
  }

  function findMe() {
    if (!navigator.geolocation) { status.textContent = text.denied; return; }
    status.textContent = text.finding;
    status.className = "loc-status";
    navigator.geolocation.getCurrentPosition(function (pos) {
      setPoint(pos.coords.latitude, pos.coords.longitude,
        text.found.replace("{m}", Math.round(pos.coords.accuracy || 0)));
    }, function () {
      status.textContent = text.denied;
      status.className = "loc-status warn";
      form.querySelector("[name=place]").focus();
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  locate.addEventListener("click", findMe);
  if (!lat.value && navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "geolocation" }).then(function (result) {
      if (result.state === "granted") { findMe(); }
    }).catch(function () {});
  }

  form.querySelectorAll(".count-btn").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = form.querySelector("[name=people_count]");
      var next = (parseInt(input.value, 10) || 1) + parseInt(button.dataset.step, 10);
      input.value = Math.max(1, Math.min(50, next));
    });
  });

  var pick = document.getElementById("pick-on-map");
  if (pick) {
    pick.addEventListener("click", function () {
      var holder = document.getElementById("pin-map");
      holder.hidden = false;
      if (holder.dataset.ready) { return; }
      holder.dataset.ready = "1";
      var css = document.createElement("link");
      css.rel = "stylesheet"; css.href = pick.dataset.leafletCss;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = pick.dataset.leafletJs;
      script.onload = function () {
        var centre = (document.documentElement.dataset.cityCentre || "35,105").split(",").map(Number);
        var start = lat.value ? [parseFloat(lat.value), parseFloat(lon.value)] : centre;
        var map = L.map(holder).setView(start, lat.value ? 17 : 12);
        map.attributionControl.setPrefix("Leaflet");  // the library's name, without its flag
        L.tileLayer(pick.dataset.tiles, { maxZoom: 19, attribution: pick.dataset.attribution }).addTo(map);
        var marker = null;
        map.on("click", function (event) {
          if (marker) { marker.setLatLng(event.latlng); }
          else { marker = L.marker(event.latlng).addTo(map); }
          setPoint(event.latlng.lat, event.latlng.lng, text.pinned, pick.dataset.crs);
        });
      };
      document.body.appendChild(script);
    });
  }

  form.addEventListener("submit", function () {
    var send = document.getElementById("send");
    // The request id makes a second tap harmless; the disabled button makes it unlikely.
    setTimeout(function () { send.disabled = true; send.textContent = text.sending; }, 0);
  });
})();
