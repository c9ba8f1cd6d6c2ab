/* The public file controls: the browser's own button speaks the browser's language ("Choose
   File"), so the input is hidden behind a translated label and this line says what was picked. */
(function () {
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var status = input.parentNode.querySelector(".file-pick-status");
    var none = status.textContent;
    input.addEventListener("change", function () {
      var files = input.files || [];
      if (files.length === 0) { status.textContent = none; }
      else if (files.length === 1) { status.textContent = files[0].name; }
      else { status.textContent = status.dataset.many.replace("%(n)s", files.length); }
    });
  });
}());
