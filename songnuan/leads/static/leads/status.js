/* The status page looks for news every 30 s and reloads when the stage has changed. */
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  if (!stage || !window.fetch) { return; }
  setInterval(function () {
    if (document.hidden) { return; }
    fetch(stage.dataset.api, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var typing = document.activeElement && document.activeElement.tagName === "INPUT";
        if (data && data.status !== stage.dataset.stage && !typing) { window.location.reload(); }
      })
      .catch(function () {});
  }, 30000);
})();
