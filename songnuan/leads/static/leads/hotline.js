/* Hotline intake: Ctrl+Enter (⌘+Enter) in the description saves the lead. */
(function () {
  "use strict";
  var description = document.querySelector(".hotline-form textarea");
  if (!description) { return; }
  description.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.target.form.requestSubmit(); }
  });
}());
