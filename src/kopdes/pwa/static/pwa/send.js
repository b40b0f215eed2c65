// Writes and files for the member screens of issue 14 (shop, SHU, RAT, transparency): a POST with
// the member's token and an Idempotency-Key, a file of the API saved on the phone, the note on
// answers kept offline. Writes and files never go through the service worker's cache: a write
// needs the network, and says so (Offline).
import { headers, post as postJson, ApiError, Offline } from "./api.js";
import { freshness } from "./home.js";

const BASE = "/api/v1";

// POST `body` as JSON; `key` (an Idempotency-Key) makes a retry answer with the first result.
export async function post(path, body, key) {
  const { data } = await postJson(path, body ?? {}, key ? { "Idempotency-Key": key } : {});
  return data;
}

export const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

const EXTENSIONS = {
  "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
};

// Fetch a file of the API with the token and hand it to the phone as a download named `name`.
export async function download(path, name) {
  let response;
  try {
    response = await fetch(BASE + path, { headers: headers({ Accept: "*/*" }), credentials: "omit" });
  } catch {
    throw new Offline();
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name + (EXTENSIONS[blob.type] || "");
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// What to tell the member when a write or a download fails: the server's own message (already
// in their language), or that it needs the network.
export function why(error, t) {
  if (error instanceof Offline) return t("need_online");
  if (error instanceof ApiError && error.message && !error.message.startsWith("HTTP")) return error.message;
  return t("error");
}

// A screen's answers that the service worker kept (offline) say so, with when they were kept, as
// on the Beranda; otherwise the time they were read.
export function kept(root, answers) {
  const offline = answers.find((a) => a.offline);
  const now = new Date().toISOString();
  freshness(root, { offline: Boolean(offline) }, offline ? offline.saved || now : now);
}
