/* The kasir page's service worker: the page and its assets reload without a connection.
 *
 * Served by the page's own URL space (`.../kasir/sw.js`, view `commerce_pos_sw`) so that its
 * scope is the kasir page of one unit and nothing else of the site. Once it controls the page,
 * every GET the page makes passes here:
 *  - static assets (/static/...): from the cache, else the network (and kept);
 *  - the page itself and katalog.json: the network first (and kept), the cache when offline;
 *  - anything else (POSTs: the sync, the plain form; other pages) goes to the network untouched.
 * The page sends {type: "cache", urls: [...]} once the worker is active, so the assets loaded
 * before the worker existed are kept too. Nothing personal is cached: the page carries the
 * kasir's name, the catalogue carries prices (see docs/adr/0022-pos-offline-queue.md). */
"use strict";

var CACHE = "kopdes-pos-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("kopdes-pos-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(data.urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
          return null;
        }).catch(function () { return null; });
      }));
    })
  );
});

function keep(request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var scope = new URL(self.registration.scope);
  // Only the page and its catalogue: never a member lookup or a receipt (personal data).
  var own = url.pathname === scope.pathname || url.pathname === scope.pathname + "katalog.json";
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || fetch(request).then(function (response) { return keep(request, response); });
      })
    );
    return;
  }
  if (!own) return;
  event.respondWith(
    fetch(request).then(function (response) { return keep(request, response); }).catch(function () {
      return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
