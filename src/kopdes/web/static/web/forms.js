// After a failed submit the page comes back with an error summary (web/_form_errors.html): move
// the focus to it, so a screen reader reads it and the keyboard starts from it. Without this
// script the summary is still shown at the top of the form.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
