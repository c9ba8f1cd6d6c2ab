/* Small page behaviours declared in the markup, so that pages need no inline script (the
   Content-Security-Policy allows scripts from files only):
   data-auto-submit on a field submits its form when it changes, data-print prints the page,
   data-select-on-click selects a field's text for copying. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-auto-submit]") && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    if (target.closest("[data-print]")) { window.print(); }
    var copyable = target.closest("[data-select-on-click]");
    if (copyable && copyable.select) { copyable.select(); }
  });
}());
