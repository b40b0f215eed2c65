/* A "Copy text" button for a read-only text (the WhatsApp text of an announcement):
 * <button data-copy="<id of the textarea>" data-copied="<message>" hidden>. The button is
 * hidden without JavaScript (the text can still be selected by hand) and shown here when the
 * browser can copy. The message goes to the nearest .copy-status (role="status"). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.closest("section") && button.closest("section").querySelector(".copy-status");
      function done() {
        if (status) status.textContent = button.dataset.copied || "";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
          document.execCommand("copy");
          done();
        });
      } else {
        source.select();
        document.execCommand("copy");
        done();
      }
    });
  });
})();
