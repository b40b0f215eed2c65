// The member app's entry: the service worker, the language, the router (#/<screen>), and the
// small DOM helper every screen uses. Plain ES modules, no framework (docs/adr/0032-member-pwa.md).
import { token, device, ApiError, Offline, signOut } from "./api.js";
import { t, translateShell } from "./i18n.js";
import { ROUTES as MORE } from "./more.js";

const view = document.getElementById("view");
const tabs = document.getElementById("tabs");
const net = document.getElementById("net");

// h("p", {class: "x"}, "text", child...): an element; text is always text, never HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

const SCREENS = {
  masuk: () => import("./login.js"),
  beranda: () => import("./home.js"),
  simpanan: () => import("./savings.js"),
  kartu: () => import("./card.js"),
  akun: () => import("./account.js"),
  aktifkan: () => import("./signup.js"),
  daftar: () => import("./signup.js").then((m) => ({ render: m.register })),
  gabung: () => import("./signup.js").then((m) => ({ render: m.join })),
  pin: () => import("./pin.js"),
  buka: () => import("./pin.js").then((m) => ({ render: m.unlock })),
  "lupa-pin": () => import("./pin.js").then((m) => ({ render: m.reset })),
  pinjaman: () => import("./loans.js"),
  lainnya: () => import("./more.js"),
  belanja: () => import("./shop.js"),
  shu: () => import("./shu.js"),
  rat: () => import("./rat.js"),
  transparansi: () => import("./transparency.js"),
};
// Screens for someone without a token; "pin" and "gabung" follow a sign-in, without the menu.
const PUBLIC = ["masuk", "aktifkan", "daftar", "buka", "lupa-pin"];
const BARE = [...PUBLIC, "pin", "gabung"];

export function go(route) {
  if (location.hash === `#/${route}`) render(true);
  else location.hash = `#/${route}`;
}

// A screen's failure said plainly: offline without a kept copy, a lapsed session, the server.
export function failure(error, retry) {
  if (error instanceof ApiError && error.status === 401) {
    signOut().then(() => go(device() ? "buka" : "masuk"));
    return h("p", {}, t("loading"));
  }
  const text = error instanceof Offline ? t("need_network") : t("error");
  return h("div", { class: "notice", role: "alert" }, h("p", {}, text),
    h("button", { type: "button", class: "secondary", onclick: retry }, t("retry")));
}

let rendering = 0;

async function render(focus = false) {
  const ticket = ++rendering;
  translateShell();
  showNetwork();
  let route = location.hash.replace(/^#\/?/, "") || "beranda";
  // Without a token: the PIN pad when this phone keeps a device, else the sign-in.
  if (!token() && !PUBLIC.includes(route)) route = device() ? "buka" : "masuk";
  if (!token() && route === "buka" && !device()) route = "masuk";
  if (token() && PUBLIC.includes(route)) route = "beranda";
  const load = SCREENS[route];
  tabs.hidden = BARE.includes(route);
  for (const link of tabs.querySelectorAll("a")) {
    const here = link.dataset.route === route || (link.dataset.route === "lainnya" && MORE.includes(route));
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const body = document.createDocumentFragment();
  if (!load) {
    body.append(h("h1", {}, t("not_found")));
  } else {
    const screen = await load();
    if (ticket !== rendering) return;
    await screen.render(body, () => render());
    if (ticket !== rendering) return;
  }
  view.replaceChildren(body);
  view.dataset.screen = route;
  if (focus) view.focus();
}

function showNetwork(reached = navigator.onLine) {
  net.textContent = reached ? "" : t("offline");
}

window.addEventListener("hashchange", () => render(true));
window.addEventListener("online", () => showNetwork());
window.addEventListener("offline", () => showNetwork());
window.addEventListener("kopdes-network", (event) => showNetwork(event.detail.reached && navigator.onLine));

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(view.dataset.sw, { scope: view.dataset.scope }).catch(() => {});
}
showNetwork();
render();
