/* The verifier's checks, shared by the public page /transparansi/<code>/verifikasi/ (verify.js)
 * and the member app's "Verifikasi transaksi saya" (pwa/transparency.js): one code, written
 * from the public standards, the same checks as kopdes_verify.py:
 *
 * - C2SP signed notes signed with Ed25519 (Web Crypto, or the vendored @noble/ed25519 where the
 *   browser lacks it) and the witnesses' cosignatures (C2SP tlog-cosignature, cosignature/v1);
 * - RFC 9162 inclusion (2.1.3.2) and consistency (2.1.4.2) proofs, SHA-256 through Web Crypto.
 *
 * An ES module without a DOM: the pages say the results in their own words. A failure the page
 * should name throws a VerifyError with its message key. Sizes stay below 2^53, so arithmetic is
 * on Numbers with / 2, never the 32-bit >> operator.
 */
"use strict";

export const LEGACY = "kopdes.id/ledger";
const DASH = "\u2014 ";
const encoder = new TextEncoder();

export class VerifyError extends Error {
  constructor(key, values) {
    super(key);
    this.key = key;
    this.values = values || {};
  }
}

// -- bytes --

export function fromBase64(text) {
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

export function equal(a, b) {
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

export async function rootFromInclusion(index, size, leaf, proof) {
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

export async function verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof) {
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

export async function keyId(name, alg, publicKey) {
  var digest = await sha256(concat(encoder.encode(name + "\n"), new Uint8Array([alg]), publicKey));
  return digest.slice(0, 4);
}

// Ed25519 through Web Crypto; where the browser lacks it (older Android phones), the vendored
// @noble/ed25519 module (static/vendor/noble-ed25519/, loaded only then, SHA-512 from Web
// Crypto), with RFC 8032's strict checks (zip215: false).
var noble = null;

async function verifierFor(raw, nobleUrl) {
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
        noble = await import(nobleUrl);
      } catch (failed) {
        throw new VerifyError("no_crypto");
      }
    }
    return function (signature, message) {
      return noble.verifyAsync(signature, message, raw, { zip215: false }).catch(function () {
        return false;
      });
    };
  }
}

// `nobleUrl`: where the vendored @noble/ed25519 module is, for browsers without Ed25519.
export async function verifierKey(text, alg, nobleUrl) {
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
    verify: await verifierFor(publicKey, nobleUrl),
  };
}

export async function renamed(key, name, alg) {
  return {
    name: name,
    publicKey: key.publicKey,
    id: await keyId(name, alg, key.publicKey),
    verify: key.verify,
  };
}

export function parseNote(note) {
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
export async function signedBy(note, key) {
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

export async function cosignedBy(note, witness) {
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

// One entry's proof as GET /api/v1/ledger/entries/{id}/proof answers it: the checkpoint's note
// signed with `key` (the cooperative's verifier key, "<origin>+<id>+<base64>") under its origin,
// the note's size and root those of the checkpoint, each named witness's cosignature valid when
// present, and the inclusion proof leading from the entry's leaf hash to that root. Returns the
// witnesses who cosigned; throws VerifyError (unsigned, bad_signature, bad_origin, listing,
// bad_cosignature, receipt_missing, no_crypto) otherwise.
export async function verifyEntryProof(proof, key, witnessKeys, nobleUrl) {
  const checkpoint = proof.checkpoint;
  const origin = checkpoint.origin;
  const verifier = await verifierKey(key, 1, nobleUrl);
  if (!verifier) throw new VerifyError("unsigned");
  const current = verifier.name === origin ? verifier : await renamed(verifier, origin, 1);
  const legacy = await renamed(verifier, LEGACY, 1);
  const note = parseNote(checkpoint.note || "");
  if (!note) throw new VerifyError("bad_signature");
  if (note.origin !== origin) throw new VerifyError("bad_origin");
  const mine = [await signedBy(note, current), await signedBy(note, legacy)];
  if (mine.indexOf(false) >= 0) throw new VerifyError("bad_signature");
  if (mine.indexOf(true) < 0) throw new VerifyError("unsigned");
  if (note.size !== checkpoint.tree_size) throw new VerifyError("listing");
  const cosigned = [];
  for (const text of witnessKeys) {
    const witness = await verifierKey(text, 4, nobleUrl);
    if (!witness) continue;
    const ok = await cosignedBy(note, witness);
    if (ok === false) throw new VerifyError("bad_cosignature", { name: witness.name });
    if (ok === true) cosigned.push(witness.name);
  }
  const root = await rootFromInclusion(
    proof.leaf_index, note.size, fromBase64(proof.leaf_hash), proof.inclusion_proof.map(fromBase64));
  if (!root || !equal(root, note.root)) throw new VerifyError("receipt_missing");
  return { cosigned, date: checkpoint.date, size: note.size };
}
