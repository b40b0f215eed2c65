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
 * Sizes stay below 2^53, so arithmetic is on Numbers with / 2, never the 32-bit >> operator.
 */
(function () {
  "use strict";

  var panel = document.getElementById("verifier");
  var button = document.getElementById("verify-now");
  var result = document.getElementById("verify-result");
  var data = document.getElementById("verifier-data");
  if (!panel || !button || !result || !data) {
    return;
  }
  var config = JSON.parse(data.textContent);
  var messages = config.messages;
  var LEGACY = "kopdes.id/ledger";
  var DASH = "\u2014 ";
  var encoder = new TextEncoder();

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

  // -- bytes --

  function fromBase64(text) {
    var clean = text.replace(/-/g, "+").replace(/_/g, "/");
    while (clean.length % 4) {
      clean += "=";
    }
    var raw = atob(clean);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  function concat() {
    var length = 0;
    var i;
    for (i = 0; i < arguments.length; i++) {
      length += arguments[i].length;
    }
    var out = new Uint8Array(length);
    var at = 0;
    for (i = 0; i < arguments.length; i++) {
      out.set(arguments[i], at);
      at += arguments[i].length;
    }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) {
      return false;
    }
    for (var i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        return false;
      }
    }
    return true;
  }

  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (d) {
      return new Uint8Array(d);
    });
  }

  function nodeHash(left, right) {
    return sha256(concat(new Uint8Array([1]), left, right));
  }

  // -- RFC 9162 --

  function half(n) {
    return Math.floor(n / 2);
  }

  function odd(n) {
    return n % 2 === 1;
  }

  async function rootFromInclusion(index, size, leaf, proof) {
    if (index < 0 || index >= size) {
      return null;
    }
    var fn = index;
    var sn = size - 1;
    var r = leaf;
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0) {
        return null;
      }
      if (odd(fn) || fn === sn) {
        r = await nodeHash(p, r);
        if (!odd(fn)) {
          while (fn !== 0 && !odd(fn)) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 ? r : null;
  }

  async function verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof) {
    if (oldSize < 0 || oldSize > newSize) {
      return false;
    }
    if (oldSize === newSize) {
      return proof.length === 0 && equal(oldRoot, newRoot);
    }
    if (oldSize === 0) {
      return proof.length === 0;
    }
    if (proof.length === 0) {
      return false;
    }
    var path = proof.slice();
    var m = oldSize;
    while (m > 1 && m % 2 === 0) {
      m = m / 2;
    }
    if (m === 1) {
      path.unshift(oldRoot);
    }
    var fn = oldSize - 1;
    var sn = newSize - 1;
    while (odd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    var fr = path[0];
    var sr = path[0];
    for (var i = 1; i < path.length; i++) {
      var c = path[i];
      if (sn === 0) {
        return false;
      }
      if (odd(fn) || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        if (!odd(fn)) {
          while (fn !== 0 && !odd(fn)) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
  }

  // -- C2SP signed notes --

  async function keyId(name, alg, publicKey) {
    var digest = await sha256(concat(encoder.encode(name + "\n"), new Uint8Array([alg]), publicKey));
    return digest.slice(0, 4);
  }

  // Ed25519 through Web Crypto; where the browser lacks it (older Android phones), the vendored
  // @noble/ed25519 module (static/vendor/noble-ed25519/, loaded only then, SHA-512 from Web
  // Crypto), with RFC 8032's strict checks (zip215: false).
  var noble = null;

  async function verifierFor(raw) {
    try {
      var key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
      return function (signature, message) {
        return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message).catch(function () {
          return false;
        });
      };
    } catch (error) {
      if (!noble) {
        try {
          noble = await import(panel.dataset.noble);
        } catch (failed) {
          throw new Failure(say("no_crypto"));
        }
      }
      return function (signature, message) {
        return noble.verifyAsync(signature, message, raw, { zip215: false }).catch(function () {
          return false;
        });
      };
    }
  }

  async function verifierKey(text, alg) {
    var first = text.indexOf("+");
    var second = text.indexOf("+", first + 1);
    var name = text.slice(0, first);
    var material = fromBase64(text.slice(second + 1));
    if (first < 1 || second < 0 || material.length !== 33 || material[0] !== alg) {
      return null;
    }
    var publicKey = material.slice(1);
    return {
      name: name,
      publicKey: publicKey,
      id: await keyId(name, alg, publicKey),
      verify: await verifierFor(publicKey),
    };
  }

  async function renamed(key, name, alg) {
    return {
      name: name,
      publicKey: key.publicKey,
      id: await keyId(name, alg, key.publicKey),
      verify: key.verify,
    };
  }

  function parseNote(note) {
    var split = note.lastIndexOf("\n\n");
    if (split < 0 || note.charAt(note.length - 1) !== "\n") {
      return null;
    }
    var text = note.slice(0, split + 1);
    var signatures = [];
    var lines = note.slice(split + 2).split("\n");
    for (var i = 0; i < lines.length; i++) {
      if (lines[i] === "") {
        continue;
      }
      if (lines[i].indexOf(DASH) !== 0) {
        return null;
      }
      var rest = lines[i].slice(DASH.length);
      var space = rest.indexOf(" ");
      var blob = fromBase64(rest.slice(space + 1));
      signatures.push({ name: rest.slice(0, space), id: blob.slice(0, 4), signature: blob.slice(4) });
    }
    var body = text.split("\n");
    return {
      text: text,
      signatures: signatures,
      origin: body[0],
      size: Number(body[1]),
      root: fromBase64(body[2] || ""),
    };
  }

  function by(note, key) {
    return note.signatures.filter(function (s) {
      return s.name === key.name && equal(s.id, key.id);
    });
  }

  function verifySignature(key, signature, message) {
    return key.verify(signature, message);
  }

  // true: signed; null: no line by that key; false: a line by that key fails.
  async function signedBy(note, key) {
    var lines = by(note, key);
    if (!lines.length) {
      return null;
    }
    for (var i = 0; i < lines.length; i++) {
      if (!(await verifySignature(key, lines[i].signature, encoder.encode(note.text)))) {
        return false;
      }
    }
    return true;
  }

  async function cosignedBy(note, witness) {
    var lines = by(note, witness);
    if (!lines.length) {
      return null;
    }
    for (var i = 0; i < lines.length; i++) {
      var s = lines[i].signature;
      if (s.length !== 72) {
        return false;
      }
      var high = ((s[0] << 24) >>> 0) + (s[1] << 16) + (s[2] << 8) + s[3];
      var low = ((s[4] << 24) >>> 0) + (s[5] << 16) + (s[6] << 8) + s[7];
      var when = high * 4294967296 + low;
      var message = encoder.encode("cosignature/v1\ntime " + when + "\n" + note.text);
      if (!(await verifySignature(witness, s.slice(8), message))) {
        return false;
      }
    }
    return true;
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
    var key = await verifierKey(panel.dataset.key, 1);
    if (!key || listing.verifier_key !== panel.dataset.key) {
      fail("unsigned", { date: "-" });
    }
    var current = key.name === origin ? key : await renamed(key, origin, 1);
    var legacy = await renamed(key, LEGACY, 1);
    var witnesses = [];
    for (var w = 0; w < config.witnesses.length; w++) {
      var witness = await verifierKey(config.witnesses[w].verifier_key, 4);
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
        var text = error instanceof Failure ? error.text : say("unreachable", { what: String(error) });
        show([say("failed", { what: text })], false);
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
