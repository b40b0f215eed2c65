/* A QRIS sale's receipt while the payment is pending: ask the server every few seconds and
 * reload the page once the sale is paid (or cancelled). Without this file the page has a link
 * to check again. */
(function () {
  "use strict";
  var receipt = document.getElementById("sale-receipt");
  if (!receipt || !receipt.dataset.statusUrl || !window.fetch) return;
  var url = receipt.dataset.statusUrl;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && answer.status !== "pending_payment") window.location.reload();
        else setTimeout(poll, 3000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 3000);
})();
