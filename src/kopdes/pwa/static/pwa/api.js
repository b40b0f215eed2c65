// The JSON API with the member's bearer token (kept in this app's storage on the phone).
import { current } from "./i18n.js";

const BASE = "/api/v1";
const TOKEN = "kopdes.m.token";
const NAME = "kopdes.m.name";

export class Offline extends Error {}
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code || "";
    this.fields = body?.error?.fields || {};
  }
}

export const token = () => localStorage.getItem(TOKEN);

// The headers of every request: JSON, the app's language, the member's token.
export function headers(extra = {}) {
  const out = { Accept: "application/json", "Accept-Language": current(), ...extra };
  if (token()) out.Authorization = `Bearer ${token()}`;
  return out;
}

// Whether the last request reached the server, for the header's "Tanpa koneksi" (app.js).
function network(reached) {
  window.dispatchEvent(new CustomEvent("kopdes-network", { detail: { reached } }));
}

async function call(method, path, body, extra = {}) {
  const form = body instanceof FormData;
  const headersOut = headers(body !== undefined && !form ? { "Content-Type": "application/json", ...extra } : extra);
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers: headersOut, body: body === undefined || form ? body : JSON.stringify(body),
      credentials: "omit",
    });
  } catch {
    network(false);
    throw new Offline();
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  // The service worker's kept copy means the network failed: say so even where the browser
  // still believes it is online (a phone on a Wi-Fi without internet).
  const offline = response.headers.get("X-Kopdes-Offline") === "1";
  network(!offline);
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, offline, saved: response.headers.get("X-Kopdes-Saved") };
}

// A GET of the member's own data: from the network, or the copy the service worker kept
// (`offline` true, `saved` the time it was kept).
export const get = (path) => call("GET", path);

// Delete every copy of member data on the phone (the service worker's data caches).
export async function forgetData() {
  if (!("caches" in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith("kopdes-m-data-")).map((n) => caches.delete(n)));
}

export async function signIn(phone, password) {
  const { data } = await call("POST", "/auth/login", { phone, password, device: "Aplikasi anggota" });
  await forgetData();
  localStorage.setItem(TOKEN, data.token);
}

// Sign out: revoke the token on the server when there is a connection; in any case forget the
// token, the name and every kept answer on this phone. Returns false when the server was not
// reached.
export async function signOut() {
  let reached = true;
  try {
    if (token()) await call("POST", "/auth/logout");
  } catch (error) {
    reached = !(error instanceof Offline);
  }
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(NAME);
  await forgetData();
  return reached;
}

export function rememberName(name) {
  localStorage.setItem(NAME, name);
}

export const rememberedName = () => localStorage.getItem(NAME) || "";

// A write (sign-up, PIN, payment, application): always to the network, never from a copy.
export const post = (path, body, headers) => call("POST", path, body, headers);

// Keep a token the server gave (activation, registration, PIN unlock or reset).
export async function keepToken(value) {
  await forgetData();
  localStorage.setItem(TOKEN, value);
}

// The PIN of this phone (POST /auth/pin): the device's id and key stay in this app's storage;
// with the PIN they give a new token (POST /auth/pin/unlock). Signing out keeps them.
const DEVICE = "kopdes.m.device";
export const DEVICE_LABEL = "Aplikasi anggota";

export function device() {
  try {
    const kept = JSON.parse(localStorage.getItem(DEVICE) || "null");
    return kept && kept.device_id && kept.device_key ? kept : null;
  } catch {
    return null;
  }
}

export function keepDevice({ device_id, device_key }) {
  localStorage.setItem(DEVICE, JSON.stringify({ device_id, device_key }));
}

export function forgetDevice() {
  localStorage.removeItem(DEVICE);
}
