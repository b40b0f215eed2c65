/* The Print button (receipts, member cards): shown only where this script runs, it opens the
 * browser's print dialog; print.css lays the page out (a 58 mm slip, or A4). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
