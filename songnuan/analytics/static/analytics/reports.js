// Report rows still being generated ask for their progress every two seconds; the page
// reloads once one is finished, to show its files (or why it failed).
(function () {
  "use strict";
  var rows = document.querySelectorAll("tr[data-poll]");
  rows.forEach(function (row) {
    var bar = row.querySelector(".report-progress");
    var label = row.querySelector(".report-status");
    function poll() {
      fetch(row.dataset.poll, { credentials: "same-origin" })
        .then(function (answer) { return answer.json(); })
        .then(function (state) {
          if (bar) { bar.value = state.progress; bar.textContent = state.progress + "%"; }
          if (label) { label.textContent = state.label; }
          if (state.status === "done" || state.status === "failed") { window.location.reload(); }
          else { window.setTimeout(poll, 2000); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
