/* The member app's service worker (/m/sw.js, scope /m/; docs/adr/0032-member-pwa.md).
 *
 * - The shell (/m/, its style, its modules): precached at install, served from the cache
 *   (the version below changes with any of them, which makes a new worker and a new cache).
 * - /api/v1/me/...: the network first; a good answer is kept (with the time it was kept), and
 *   the kept answer is served when the network fails, marked `X-Kopdes-Offline: 1`.
 * - Anything else (logins, other pages, POSTs) goes to the network untouched.
 * The app deletes the data cache at sign-in and sign-out, so nobody's data outlive their
 * session on the phone. */
"use strict";

var VERSION = "{{ version }}";
var SHELL = "kopdes-m-shell-" + VERSION;
var DATA = "kopdes-m-data-"; // + a digest of the bearer token: one cache per session
var ASSETS = {{ assets|safe }};
var SCOPE = "{{ scope }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("kopdes-m-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The data cache of the session whose token the request carries: another member's session (or
// none) can never be served this one's answers, even if a sign-out could not clear them.
function dataCache(request) {
  var auth = request.headers.get("Authorization") || "";
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(auth)).then(function (digest) {
    var hex = Array.prototype.map.call(new Uint8Array(digest).slice(0, 8), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
    return caches.open(DATA + hex);
  });
}

function fromNetworkKept(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      copy.blob().then(function (body) {
        var headers = new Headers(copy.headers);
        headers.set("X-Kopdes-Saved", new Date().toISOString());
        return dataCache(request).then(function (cache) {
          return cache.put(request.url, new Response(body, {
            status: copy.status, statusText: copy.statusText, headers: headers
          }));
        });
      }).catch(function () { return null; });
    }
    return response;
  }, function (failure) {
    return dataCache(request).then(function (cache) {
      return cache.match(request.url, { ignoreVary: true });
    }).then(function (hit) {
      if (!hit) throw failure;
      var headers = new Headers(hit.headers);
      headers.set("X-Kopdes-Offline", "1");
      return hit.blob().then(function (body) {
        return new Response(body, { status: hit.status, headers: headers });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/v1/me/") === 0) {
    event.respondWith(fromNetworkKept(request));
    return;
  }
  var shell = request.mode === "navigate" && url.pathname === SCOPE;
  if (shell || ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.open(SHELL).then(function (cache) {
        return cache.match(shell ? SCOPE : url.pathname, { ignoreVary: true });
      }).then(function (hit) { return hit || fetch(request); })
    );
  }
});
