// "Use my position": the phone's position into the report's hidden fields (WGS-84).
(function () {
  "use strict";
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) { return; }
  var state = document.getElementById("position-state");
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      document.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(6);
      document.querySelector("input[name=lon]").value = position.coords.longitude.toFixed(6);
      state.textContent = button.dataset.got;
    }, function () {
      state.textContent = button.dataset.failed;
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
