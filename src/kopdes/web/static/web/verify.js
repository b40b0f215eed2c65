/* The check in the browser of /transparansi/<code>/verifikasi/ (issue 10 item 6), the same
 * checks as kopdes_verify.py, written from the public standards:
 *
 * - every checkpoint of log/checkpoints.json is a C2SP signed note signed with the cooperative's
 *   verifier key (Ed25519 through Web Crypto; checkpoints from before 2026-12 carry the same key
 *   material under the name kopdes.id/ledger), for its own origin;
 * - the witnesses' cosignatures (C2SP tlog-cosignature, cosignature/v1) of the witnesses the page
 *   names;
 * - each checkpoint extends the one before: RFC 9162 consistency proofs (section 2.1.4.2) from
 *   log/consistency, SHA-256 through Web Crypto;
 * - a receipt named in the URL (?nomor=<n>&leaf=<base64url>): its inclusion proof (2.1.3.2)
 *   from log/inclusion leads to the latest signed root.
 *
 * The page shows its checkpoints without this script; the button "Periksa sekarang" appears
 * only where it runs. The result goes to an aria-live region, "Terverifikasi: ..." or
 * "GAGAL: ...", in the reader's language (the messages come from the page, #verifier-data).
 * The checks themselves are the ES module verifier.js, shared with the member app (/m/,
 * "Verifikasi transaksi saya"); this module is the page around them.
 */
import {
  LEGACY, VerifyError, cosignedBy, equal, fromBase64, parseNote, renamed, rootFromInclusion,
  signedBy, verifierKey, verifyConsistency,
} from "./verifier.js";

(function () {

  var panel = document.getElementById("verifier");
  var button = document.getElementById("verify-now");
  var result = document.getElementById("verify-result");
  var data = document.getElementById("verifier-data");
  if (!panel || !button || !result || !data) {
    return;
  }
  var config = JSON.parse(data.textContent);
  var messages = config.messages;

  function say(key, values) {
    var text = messages[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  }

  function Failure(text) {
    this.text = text;
  }

  // An ISO date (YYYY-MM-DD) as the reader's language writes it (9 Mar 2026).
  function day(iso) {
    var parts = String(iso).split("-").map(Number);
    if (parts.length !== 3 || parts.some(isNaN)) {
      return String(iso);
    }
    var lang = document.documentElement.lang || "id";
    return new Date(parts[0], parts[1] - 1, parts[2]).toLocaleDateString(lang, {
      day: "numeric",
      month: "short",
      year: "numeric",
    });
  }

  function fail(key, values) {
    throw new Failure(say(key, values));
  }

  // -- the server --

  var logBase = panel.dataset.log.replace(/checkpoint$/, "");

  async function getJSON(url) {
    var response;
    try {
      // no-cache: always ask the server again (a verifier must see what is served now).
      response = await fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } });
    } catch (error) {
      fail("unreachable", { what: url });
    }
    if (!response.ok) {
      fail("unreachable", { what: url + " " + response.status });
    }
    return response.json();
  }

  function proofOf(answer) {
    return (answer.proof || []).map(fromBase64);
  }

  // -- the checks --

  async function check() {
    var origin = panel.dataset.origin;
    var listing = await getJSON(panel.dataset.checkpoints);
    var key = await verifierKey(panel.dataset.key, 1, panel.dataset.noble);
    if (!key || listing.verifier_key !== panel.dataset.key) {
      fail("unsigned", { date: "-" });
    }
    var current = key.name === origin ? key : await renamed(key, origin, 1);
    var legacy = await renamed(key, LEGACY, 1);
    var witnesses = [];
    for (var w = 0; w < config.witnesses.length; w++) {
      var witness = await verifierKey(config.witnesses[w].verifier_key, 4, panel.dataset.noble);
      if (witness) {
        witnesses.push(witness);
      }
    }
    var items = listing.checkpoints || [];
    if (!items.length) {
      fail("no_checkpoint");
    }
    var notes = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var note = parseNote(item.note || "");
      if (!note) {
        fail("bad_signature", { date: day(item.date) });
      }
      if (note.origin !== origin) {
        fail("bad_origin", { date: day(item.date) });
      }
      var mine = [await signedBy(note, current), await signedBy(note, legacy)];
      if (mine.indexOf(false) >= 0) {
        fail("bad_signature", { date: day(item.date) });
      }
      if (mine.indexOf(true) < 0) {
        fail("unsigned", { date: day(item.date) });
      }
      if (note.size !== item.tree_size || !equal(note.root, fromBase64(item.root))) {
        fail("listing", { date: day(item.date) });
      }
      for (var k = 0; k < witnesses.length; k++) {
        if ((await cosignedBy(note, witnesses[k])) === false) {
          fail("bad_cosignature", { name: witnesses[k].name, date: day(item.date) });
        }
      }
      note.date = item.date;
      notes.push(note);
    }
    for (var j = 1; j < notes.length; j++) {
      var before = notes[j - 1];
      var after = notes[j];
      var holds;
      if (after.size < before.size) {
        holds = false;
      } else if (after.size === before.size || before.size === 0) {
        holds = after.size !== before.size || equal(after.root, before.root);
      } else {
        var answer = await getJSON(logBase + "consistency?old=" + before.size + "&new=" + after.size);
        holds = await verifyConsistency(before.size, after.size, before.root, after.root, proofOf(answer));
      }
      if (!holds) {
        fail("rewritten", { date: day(after.date), before: day(before.date) });
      }
    }
    var latest = notes[notes.length - 1];
    var lines = [say("verified", { count: notes.length })];
    var cosigned = [];
    for (var c = 0; c < witnesses.length; c++) {
      if ((await cosignedBy(latest, witnesses[c])) === true) {
        cosigned.push(witnesses[c].name);
      }
    }
    if (cosigned.length) {
      lines.push(say("witnessed", { names: cosigned.join(", ") }));
    }
    if (panel.dataset.number) {
      var number = Number(panel.dataset.number);
      var leaf = fromBase64(panel.dataset.leaf);
      if (number > latest.size) {
        lines.push(say("receipt_pending", { number: number }));
        return lines;
      }
      var inclusion = await getJSON(logBase + "inclusion?index=" + (number - 1) + "&size=" + latest.size);
      var root = await rootFromInclusion(number - 1, latest.size, leaf, proofOf(inclusion));
      if (!root || !equal(root, latest.root)) {
        fail("receipt_missing", { number: number });
      }
      lines.push(say("receipt_ok", { number: number, date: day(latest.date) }));
    }
    return lines;
  }

  function show(lines, ok) {
    result.textContent = "";
    result.className = "verify-result " + (ok ? "verify-ok" : "verify-failed");
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      result.appendChild(p);
    });
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    show([say("checking")], true);
    result.className = "verify-result";
    check()
      .then(function (lines) {
        show(lines, true);
      })
      .catch(function (error) {
        var text = error instanceof Failure
          ? error.text
          : error instanceof VerifyError
            ? say(error.key, error.values)
            : say("unreachable", { what: String(error) });
        show([say("failed", { what: text })], false);
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
