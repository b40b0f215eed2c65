/* The kasir page (web/commerce/pos.html), offline first. Without this file the page is a plain
 * form (one sale per submit). With it:
 *  - the unit's catalogue (katalog.json) is kept in IndexedDB, so a scan (barcode exact, then
 *    SKU, then name) works without a connection;
 *  - the browser is registered once as a device of the unit (a UUID it makes itself, kept in
 *    IndexedDB); the server answers the receipt-number prefix and the last sequence it holds;
 *  - a cash sale gets a client UUID and the device's next receipt sequence, is stored in the
 *    queue (IndexedDB) in the same transaction as the sequence, and its receipt shows at once;
 *  - the queue is synced to the kasir's sync endpoint (session + CSRF; the same payload and
 *    results as POST /api/v1/pos/sync) when online: at start, on the `online` event and on a
 *    timer. Accepted and duplicate sales leave the queue; rejected ones stay, marked, with the
 *    server's message (never lost, never sent again as new);
 *  - QRIS and member credit need the server: the cart is put in the plain form and submitted;
 *  - a service worker (kasir/sw.js, scoped to the kasir page) keeps the page and its assets, so
 *    it reloads without a connection.
 * See docs/adr/0022-pos-offline-queue.md. */
(function () {
  "use strict";

  var root = document.getElementById("pos-app");
  if (!root || !window.indexedDB || !window.fetch || !window.Promise) return;

  var T = {};
  try { T = JSON.parse(document.getElementById("pos-texts").textContent); } catch (e) { T = {}; }
  function t(key) { return T[key] || key; }

  var cfg = root.dataset;
  var SCOPE = cfg.cooperative + ":" + cfg.unit;
  var RETRY_MS = 20000;

  /* ---------- IndexedDB: meta (key/value), queue (sales by client_id) ---------- */

  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("kopdes-pos:" + SCOPE, 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("meta");
      db.createObjectStore("queue", { keyPath: "client_id" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function tx(stores, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(stores, mode);
        var result;
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
        work(transaction, function (value) { result = value; });
      });
    });
  }

  function metaGet(key) {
    return tx(["meta"], "readonly", function (transaction, done) {
      var request = transaction.objectStore("meta").get(key);
      request.onsuccess = function () { done(request.result); };
    });
  }

  function metaSet(key, value) {
    return tx(["meta"], "readwrite", function (transaction) {
      transaction.objectStore("meta").put(value, key);
    });
  }

  function queueAll() {
    return tx(["queue"], "readonly", function (transaction, done) {
      var request = transaction.objectStore("queue").getAll();
      request.onsuccess = function () {
        done(request.result.sort(function (a, b) { return a.sequence - b.sequence; }));
      };
    });
  }

  /* ---------- state ---------- */

  var state = {
    catalogue: null, // {products: [...], unit: {...}}
    device: null, // {public_id, number_prefix, last_sequence}
    cart: [], // [{product, quantity}]
    member: null, // {id, niak, name}
    syncing: false,
  };

  function $(id) { return document.getElementById(id); }

  function rupiah(amount) {
    var sign = amount < 0 ? "-" : "";
    return sign + "Rp" + String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  /* Indonesian words for an amount, as kopdes.core.money.terbilang writes them. */
  var ONES = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
  function below1000(n) {
    var words = [];
    var hundreds = Math.floor(n / 100), rest = n % 100;
    if (hundreds === 1) words.push("seratus");
    else if (hundreds > 1) words.push(ONES[hundreds], "ratus");
    if (rest === 10) words.push("sepuluh");
    else if (rest === 11) words.push("sebelas");
    else if (rest > 11 && rest < 20) words.push(ONES[rest - 10], "belas");
    else if (rest >= 20) {
      words.push(ONES[Math.floor(rest / 10)], "puluh");
      if (rest % 10) words.push(ONES[rest % 10]);
    } else if (rest > 0) words.push(ONES[rest]);
    return words;
  }
  function terbilang(amount) {
    if (amount === 0) return "nol rupiah";
    var scales = [[1e12, "triliun"], [1e9, "miliar"], [1e6, "juta"], [1e3, "ribu"]];
    var words = [], n = amount;
    scales.forEach(function (scale) {
      var part = Math.floor(n / scale[0]);
      n = n % scale[0];
      if (!part) return;
      if (part === 1 && scale[1] === "ribu") words.push("seribu");
      else words = words.concat(below1000(part), [scale[1]]);
    });
    words = words.concat(below1000(n));
    return words.join(" ") + " rupiah";
  }

  /* The receipt's short hash over the canonical receipt (kopdes.commerce.receipts): the same
   * text the server hashes when the sale is synced, so the printed code can be checked. */
  function localMoment(iso) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Jakarta", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":" + parts.second;
  }
  function receiptHash(row) {
    if (!(window.crypto && crypto.subtle && window.TextEncoder)) return Promise.resolve("");
    var text = ["KOPDES-STRUK-1", row.number, localMoment(row.payload.sold_at)];
    row.payload.lines.forEach(function (line, i) {
      text.push(row.skus[i] + "|" + line.quantity + "|" + line.unit_price + "|" + line.quantity * line.unit_price);
    });
    text.push("TOTAL|" + row.payload.total, "BAYAR|" + row.payload.payment);
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text.join("\n"))).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) { return (b + 256).toString(16).slice(1); }).join("").slice(0, 8);
    }).catch(function () { return ""; });
  }

  function parseAmount(text) {
    var cleaned = String(text || "").replace(/^\s*Rp\s*/i, "").replace(/\./g, "").trim();
    return /^[0-9]{1,15}$/.test(cleaned) ? parseInt(cleaned, 10) : null;
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf, "Accept": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        var error = new Error(t("signed_out"));
        error.signedOut = true;
        throw error;
      }
      return response.json().then(function (data) {
        if (!response.ok) {
          var refusal = new Error((data.error && data.error.message) || t("server_error"));
          refusal.refused = true;
          throw refusal;
        }
        return data;
      });
    });
  }

  /* ---------- status line ---------- */

  var lastProblem = "";

  function renderStatus() {
    return queueAll().then(function (rows) {
      var waiting = rows.filter(function (r) { return r.status === "queued"; }).length;
      var rejected = rows.filter(function (r) { return r.status === "rejected"; });
      var line = navigator.onLine ? t("online") : t("offline");
      line += " · " + t("waiting").replace("%(count)s", waiting);
      if (lastProblem) line += " · " + lastProblem;
      $("pos-status").textContent = line;
      $("pos-status").dataset.waiting = String(waiting);
      $("pos-status").dataset.online = navigator.onLine ? "1" : "0";
      renderRejected(rejected);
    });
  }

  function renderRejected(rows) {
    var box = $("pos-rejected");
    var list = $("pos-rejected-list");
    list.textContent = "";
    rows.forEach(function (row) {
      var item = document.createElement("li");
      var strong = document.createElement("strong");
      strong.textContent = row.number + " · " + rupiah(row.payload.total);
      item.appendChild(strong);
      item.appendChild(document.createTextNode(": " + (row.message || row.code || "")));
      list.appendChild(item);
    });
    box.hidden = rows.length === 0;
  }

  /* ---------- catalogue and device ---------- */

  function loadCatalogue() {
    return metaGet("catalogue").then(function (cached) {
      if (cached) state.catalogue = cached;
      if (!navigator.onLine && cached) return cached;
      return fetch(cfg.catalogueUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok || response.redirected) throw new Error(t("server_error"));
          return response.json();
        })
        .then(function (fresh) {
          state.catalogue = fresh;
          return metaSet("catalogue", fresh).then(function () { return fresh; });
        })
        .catch(function () { return cached; });
    });
  }

  /* Read, change and write the stored device in one transaction: a sale taking a sequence
   * at the same moment is never overwritten. */
  function deviceUpdate(change) {
    return tx(["meta"], "readwrite", function (transaction, done) {
      var meta = transaction.objectStore("meta");
      var request = meta.get("device");
      request.onsuccess = function () {
        var device = change(request.result || null);
        meta.put(device, "device");
        done(device);
      };
    });
  }

  function registerDevice(retried) {
    return deviceUpdate(function (device) {
      return device || { public_id: uuid4(), number_prefix: null, last_sequence: 0 };
    }).then(function (device) {
      if (device.number_prefix) state.device = device;
      if (!navigator.onLine && device.number_prefix) return device;
      var label = (navigator.userAgent.match(/\(([^)]+)\)/) || ["", "browser"])[1].slice(0, 60);
      return postJson(cfg.deviceUrl, { device: device.public_id, label: label })
        .then(function (answer) {
          return deviceUpdate(function (stored) {
            stored.number_prefix = answer.number_prefix;
            stored.last_sequence = Math.max(answer.last_sequence || 0, stored.last_sequence || 0);
            return stored;
          });
        })
        .then(function (kept) {
          state.device = kept;
          return kept;
        })
        .catch(function (error) {
          // Another device of the unit has the same short id, or the id belongs elsewhere: a
          // device that never sold takes a new id (one that sold keeps its own).
          if (error.refused && !device.number_prefix && !retried) {
            return deviceUpdate(function () {
              return { public_id: uuid4(), number_prefix: null, last_sequence: 0 };
            }).then(function () { return registerDevice(true); });
          }
          if (state.device) return state.device;
          lastProblem = error.signedOut ? t("signed_out") : t("register_needed");
          return null;
        });
    });
  }

  /* ---------- scan and search ---------- */

  function products() { return (state.catalogue && state.catalogue.products) || []; }

  function find(query) {
    var q = query.trim();
    if (!q) return [];
    var lower = q.toLowerCase();
    var byBarcode = products().filter(function (p) { return p.barcode && p.barcode === q; });
    if (byBarcode.length) return byBarcode;
    var bySku = products().filter(function (p) { return p.sku.toLowerCase() === lower; });
    if (bySku.length) return bySku;
    return products().filter(function (p) { return p.name.toLowerCase().indexOf(lower) !== -1; }).slice(0, 20);
  }

  function addToCart(product) {
    var line = state.cart.find(function (l) { return l.product.id === product.id; });
    if (line) line.quantity += 1;
    else state.cart.push({ product: product, quantity: 1 });
    renderCart();
  }

  function renderMatches(matches) {
    var list = $("pos-matches");
    list.textContent = "";
    matches.forEach(function (product) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "outline";
      button.textContent = product.name + " · " + rupiah(price(product));
      button.addEventListener("click", function () {
        addToCart(product);
        list.textContent = "";
        $("pos-scan").focus();
      });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  $("pos-scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("pos-scan");
    var matches = find(input.value);
    $("pos-scan-message").textContent = "";
    if (matches.length === 1) {
      addToCart(matches[0]);
      renderMatches([]);
    } else if (matches.length > 1) {
      renderMatches(matches);
    } else if (input.value.trim()) {
      $("pos-scan-message").textContent = t("not_found").replace("%(query)s", input.value.trim());
      renderMatches([]);
    }
    input.value = "";
    input.focus();
  });

  /* ---------- cart ---------- */

  function price(product) {
    return state.member ? product.member_price : product.non_member_price;
  }

  function total() {
    return state.cart.reduce(function (sum, line) { return sum + price(line.product) * line.quantity; }, 0);
  }

  function button(text, label, onClick, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls || "secondary";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  function renderCart() {
    var body = $("pos-cart-body");
    body.textContent = "";
    state.cart.forEach(function (line, index) {
      var row = document.createElement("tr");
      var name = document.createElement("td");
      name.className = "stack-first";
      name.textContent = line.product.name;
      var small = document.createElement("small");
      small.textContent = " " + rupiah(price(line.product)) + " / " + line.product.unit;
      name.appendChild(small);
      var qty = document.createElement("td");
      qty.className = "pos-qty";
      qty.dataset.label = t("quantity");
      qty.appendChild(button("−", t("less") + " " + line.product.name, function () {
        if (line.quantity > 1) line.quantity -= 1;
        renderCart();
      }));
      var count = document.createElement("output");
      count.textContent = String(line.quantity);
      count.setAttribute("aria-label", t("quantity") + " " + line.product.name);
      qty.appendChild(count);
      qty.appendChild(button("+", t("more") + " " + line.product.name, function () {
        line.quantity += 1;
        renderCart();
      }));
      var amount = document.createElement("td");
      amount.className = "stack-second num";
      amount.dataset.label = t("amount");
      amount.textContent = rupiah(price(line.product) * line.quantity);
      var remove = document.createElement("td");
      remove.appendChild(button("×", t("remove") + " " + line.product.name, function () {
        state.cart.splice(index, 1);
        renderCart();
      }, "outline secondary"));
      row.appendChild(name);
      row.appendChild(qty);
      row.appendChild(amount);
      row.appendChild(remove);
      body.appendChild(row);
    });
    $("pos-empty").hidden = state.cart.length > 0;
    $("pos-total").textContent = rupiah(total());
    renderChange();
  }

  function renderChange() {
    var tendered = parseAmount($("pos-tendered").value);
    var change = tendered === null ? null : tendered - total();
    $("pos-change").textContent = change === null ? "-" : rupiah(change);
    $("pos-change").dataset.short = change !== null && change < 0 ? "1" : "0";
  }

  $("pos-tendered").addEventListener("input", renderChange);

  function payment() {
    var picked = root.querySelector("input[name=pos-payment]:checked");
    return picked ? picked.value : "cash";
  }

  root.querySelectorAll("input[name=pos-payment]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      $("pos-cash").hidden = payment() !== "cash";
    });
  });

  /* ---------- member ---------- */

  function renderMember() {
    $("pos-member-name").textContent = state.member ? state.member.name + " (" + state.member.niak + ")" : t("no_member");
    $("pos-member-clear").hidden = !state.member;
    renderCart();
  }

  $("pos-member-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("pos-member");
    var q = input.value.trim();
    if (!q) return;
    if (!navigator.onLine) {
      $("pos-member-message").textContent = t("member_offline");
      return;
    }
    var url = new URL(cfg.memberUrl, window.location.href);
    url.searchParams.set("q", q);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.member) {
          state.member = answer.member;
          input.value = "";
          $("pos-member-message").textContent = "";
          renderMember();
          $("pos-scan").focus();
        } else {
          $("pos-member-message").textContent = answer.message || t("member_not_found");
        }
      })
      .catch(function () { $("pos-member-message").textContent = t("member_offline"); });
  });

  $("pos-member-clear").addEventListener("click", function () {
    state.member = null;
    renderMember();
  });

  /* ---------- paying ---------- */

  function say(text) { $("pos-pay-message").textContent = text; }

  $("pos-pay").addEventListener("click", function () {
    say("");
    if (!state.cart.length) { say(t("empty_cart")); return; }
    var method = payment();
    if (method !== "cash") { submitOnline(method); return; }
    var tendered = parseAmount($("pos-tendered").value);
    var due = total();
    if (tendered === null) tendered = due; // exact money
    if (tendered < due) { say(t("tendered_short")); return; }
    if (!state.device || !state.device.number_prefix) { say(t("register_needed")); return; }
    recordOffline(due, tendered).then(function (row) {
      showReceipt(row);
      receiptHash(row).then(function (hash) { $("pos-receipt-hash").textContent = hash || "-"; });
      state.cart = [];
      state.member = null;
      $("pos-tendered").value = "";
      renderMember();
      renderStatus();
      syncNow();
    }).catch(function (error) { say(String(error && error.message || error)); });
  });

  /* QRIS and member credit: the server records the sale at once (the plain form). */
  function submitOnline(method) {
    if (!navigator.onLine) { say(t("needs_online")); return; }
    var form = $("pos-plain-form");
    form.elements.namedItem("items").value = state.cart.map(function (line) {
      return line.product.sku + " x " + line.quantity;
    }).join("\n");
    form.elements.namedItem("member").value = state.member ? state.member.niak : "";
    form.elements.namedItem("payment").value = method;
    form.elements.namedItem("tendered").value = "";
    form.submit();
  }

  function recordOffline(due, tendered) {
    var device = state.device;
    var clientId = uuid4();
    var soldAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    var lines = state.cart.map(function (line) {
      return {
        product: line.product.id,
        quantity: line.quantity,
        unit_price: price(line.product),
        name: line.product.name,
        sku: line.product.sku,
      };
    });
    var member = state.member;
    var row;
    return tx(["meta", "queue"], "readwrite", function (transaction, done) {
      var meta = transaction.objectStore("meta");
      var request = meta.get("device");
      request.onsuccess = function () {
        var stored = request.result || device;
        var sequence = (stored.last_sequence || 0) + 1;
        stored.last_sequence = sequence;
        meta.put(stored, "device");
        row = {
          client_id: clientId,
          sequence: sequence,
          number: stored.number_prefix + "-" + String(sequence).padStart(6, "0"),
          status: "queued",
          created: soldAt,
          member_name: member ? member.name : "",
          payload: {
            client_id: clientId,
            sequence: sequence,
            sold_at: soldAt,
            member: member ? member.id : null,
            payment: "cash",
            lines: lines.map(function (l) { return { product: l.product, quantity: l.quantity, unit_price: l.unit_price }; }),
            total: due,
            tendered: tendered,
          },
          names: lines.map(function (l) { return l.name; }),
          skus: lines.map(function (l) { return l.sku; }),
        };
        transaction.objectStore("queue").add(row);
        state.device = stored;
        done(row);
      };
    });
  }

  /* ---------- the receipt shown at once ---------- */

  function showReceipt(row) {
    var box = $("pos-receipt");
    $("pos-receipt-number").textContent = row.number;
    $("pos-receipt-date").textContent = new Date(row.created).toLocaleString(document.documentElement.lang || "id");
    $("pos-receipt-member").textContent = row.member_name || "-";
    var body = $("pos-receipt-lines");
    body.textContent = "";
    row.payload.lines.forEach(function (line, index) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = row.names[index] + " " + line.quantity + " × " + rupiah(line.unit_price);
      var td = document.createElement("td");
      td.textContent = rupiah(line.quantity * line.unit_price);
      tr.appendChild(th);
      tr.appendChild(td);
      body.appendChild(tr);
    });
    $("pos-receipt-total").textContent = rupiah(row.payload.total);
    $("pos-receipt-words").textContent = terbilang(row.payload.total);
    $("pos-receipt-hash").textContent = "…";
    $("pos-receipt-tendered").textContent = rupiah(row.payload.tendered);
    $("pos-receipt-change").textContent = rupiah(row.payload.tendered - row.payload.total);
    $("pos-receipt-state").textContent = t("receipt_queued");
    $("pos-receipt-link").hidden = true;
    box.dataset.clientId = row.client_id;
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function receiptSynced(result) {
    var box = $("pos-receipt");
    if (box.hidden || box.dataset.clientId !== result.client_id) return;
    if (result.status === "rejected") {
      $("pos-receipt-state").textContent = t("receipt_rejected") + " " + (result.message || "");
      return;
    }
    $("pos-receipt-state").textContent = t("receipt_synced");
    if (result.number) $("pos-receipt-number").textContent = result.number;
    if (result.receipt_hash) $("pos-receipt-hash").textContent = result.receipt_hash;
    if (result.receipt_url) {
      $("pos-receipt-link").href = result.receipt_url;
      $("pos-receipt-link").hidden = false;
    }
  }

  $("pos-new-sale").addEventListener("click", function () {
    $("pos-receipt").hidden = true;
    $("pos-scan").focus();
  });
  $("pos-print").hidden = false;
  $("pos-print").addEventListener("click", function () { window.print(); });

  /* ---------- sync ---------- */

  function syncNow() {
    if (state.syncing || !navigator.onLine || !state.device) return Promise.resolve();
    state.syncing = true;
    return queueAll().then(function (rows) {
      var queued = rows.filter(function (r) { return r.status === "queued"; }).slice(0, 200);
      var waiting = rows.filter(function (r) { return r.status === "queued"; }).length;
      if (!queued.length) return null;
      return postJson(cfg.syncUrl, {
        device: state.device.public_id,
        sales: queued.map(function (r) { return r.payload; }),
      }).then(function (answer) {
        lastProblem = "";
        return tx(["queue"], "readwrite", function (transaction) {
          var store = transaction.objectStore("queue");
          (answer.results || []).forEach(function (result) {
            var row = queued.find(function (r) { return r.client_id === result.client_id; });
            if (!row) return;
            if (result.status === "accepted" || result.status === "duplicate") {
              store.delete(row.client_id);
            } else if (result.status === "rejected") {
              row.status = "rejected";
              row.code = result.code;
              row.message = result.message;
              store.put(row);
            }
          });
        }).then(function () {
          (answer.results || []).forEach(receiptSynced);
          // More than one batch waiting: go on.
          if (waiting > queued.length) setTimeout(syncNow, 0);
        });
      });
    }).catch(function (error) {
      lastProblem = error.signedOut ? t("signed_out") : error.refused ? error.message : t("sync_failed");
    }).then(function () {
      state.syncing = false;
      return renderStatus();
    });
  }

  window.addEventListener("online", function () {
    lastProblem = "";
    (state.device && state.device.number_prefix ? Promise.resolve() : registerDevice())
      .then(loadCatalogue)
      .then(syncNow);
  });
  window.addEventListener("offline", renderStatus);
  setInterval(function () { syncNow(); }, RETRY_MS);

  /* ---------- the service worker: the page reloads without a connection ---------- */

  function cacheAssets() {
    if (!("serviceWorker" in navigator) || !cfg.swUrl) return;
    navigator.serviceWorker.register(cfg.swUrl, { scope: cfg.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [window.location.pathname, cfg.catalogueUrl];
      document.querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], script[src]").forEach(function (el) {
        urls.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      if (registration.active) registration.active.postMessage({ type: "cache", urls: urls });
    }).catch(function () { /* no service worker: the page still works while it stays open */ });
  }

  /* ---------- start ---------- */

  document.body.classList.add("pos-enhanced");
  root.hidden = false;
  $("pos-plain").hidden = true;
  renderMember();
  Promise.all([registerDevice(), loadCatalogue()])
    .then(function () {
      if (!state.catalogue) lastProblem = t("catalogue_needed");
      root.dataset.ready = "1";
      return renderStatus();
    })
    .then(syncNow)
    .then(cacheAssets);
  $("pos-scan").focus();
})();
