/* The counter (web/savings/counter.html). Progressive: without this file the form still takes
 * 25000 or 25.000, a NIAK, a phone number or a card's QR payload, and lists the matches of a name.
 *  - the amount is grouped as it is typed (25000 -> 25.000; the server reads both);
 *  - Enter in the member box (a keyboard-wedge scanner ends the card's QR payload with it) looks
 *    the member up at once and picks the only match instead of submitting the form;
 *  - the amount takes the focus once a member is picked, the summary when it is shown. */
(function () {
  "use strict";

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function formatAmount(input) {
    var before = input.value;
    // Only digits and dots are reformatted; anything else (1,5 or text) is left for the server
    // to refuse with its message, never silently changed into another amount.
    if (!/^[0-9.]*$/.test(before)) return;
    var end = input.selectionEnd == null ? before.length : input.selectionEnd;
    var digitsAfterCaret = before.slice(end).replace(/[^0-9]/g, "").length;
    var formatted = group(before.replace(/[^0-9]/g, "").replace(/^0+(?=\d)/, ""));
    if (formatted === before) return;
    input.value = formatted;
    var pos = formatted.length;
    for (var seen = 0; pos > 0 && seen < digitsAfterCaret; pos--) {
      if (/[0-9]/.test(formatted.charAt(pos - 1))) seen++;
    }
    if (document.activeElement === input) input.setSelectionRange(pos, pos);
  }

  document.querySelectorAll("input[data-rupiah]").forEach(function (input) {
    formatAmount(input);
    input.addEventListener("input", function () { formatAmount(input); });
  });

  function lookUp(box) {
    var results = document.getElementById("member-results");
    var url = new URL(box.getAttribute("hx-get"), window.location.href);
    var extra = {};
    try { extra = JSON.parse(box.getAttribute("hx-vals") || "{}"); } catch (e) { extra = {}; }
    Object.keys(extra).forEach(function (key) { url.searchParams.set(key, extra[key]); });
    url.searchParams.set("q", box.value);
    ["kind", "channel"].forEach(function (name) {
      var field = box.form && box.form.elements.namedItem(name);
      if (field && field.value) url.searchParams.set(name, field.value);
    });
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!results) return;
        results.innerHTML = html;
        var picks = results.querySelectorAll("a.member-pick");
        if (picks.length === 1) window.location.assign(picks[0].href);
      });
  }

  document.querySelectorAll("input[data-member-search]").forEach(function (box) {
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || box.value === box.defaultValue || !box.value.trim()) return;
      event.preventDefault();
      lookUp(box);
    });
  });

  var summary = document.getElementById("confirm-title");
  if (summary) {
    summary.focus();
  } else if (document.querySelector(".counter-member") && !document.querySelector(".field-error, .form-errors")) {
    var amount = document.querySelector("input[data-rupiah]");
    if (amount && !amount.value) amount.focus();
  }
})();
