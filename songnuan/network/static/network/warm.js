/* Where can I get warm: the "find the nearest open place" button asks for the phone's location
   and reloads the page around it; refused or unavailable, it points at the district list. */
(function () {
  "use strict";
  var button = document.getElementById("locate"), status = document.getElementById("locate-status");
  if (!button) { return; }
  function say(text) { status.textContent = text; status.hidden = false; }
  function refused() { say(button.dataset.refused); document.getElementById("id_district").focus(); }
  function go() {
    if (!navigator.geolocation) { refused(); return; }
    say(button.dataset.busy);
    navigator.geolocation.getCurrentPosition(function (pos) {
      var c = pos.coords;
      window.location.href = "?lat=" + c.latitude.toFixed(6) + "&lon=" + c.longitude.toFixed(6) + "&coord=wgs84";
    }, refused, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  }
  button.addEventListener("click", go);
}());
