// Forms of the member app: a labelled field with its hint and its own error, and the server's
// refusal shown plainly (its message, each named field marked aria-invalid and described).
import { h } from "./app.js";
import { ApiError, Offline, post } from "./api.js";
import { t, addWords } from "./i18n.js";

// field("nik", "NIK", {inputmode: "numeric"}, "16 angka"): [label, input, hint, error].
export function field(name, label, attrs = {}, hint = "") {
  const ids = [hint && `${name}-hint`, `${name}-error`].filter(Boolean).join(" ");
  const input = h(attrs.tag || "input", {
    id: name, name, type: attrs.tag ? null : "text", ...attrs, tag: null, "aria-describedby": ids,
  });
  return h("div", { class: "stack field" },
    h("label", { for: name }, label),
    input,
    hint && h("small", { id: `${name}-hint`, class: "muted" }, hint),
    h("small", { id: `${name}-error`, class: "error" }));
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of form.querySelectorAll(".error")) el.textContent = "";
}

// The refusal in `box` (role=alert) and beside each field the server named; the first marked
// field gets the focus.
export function showError(form, box, error) {
  clearErrors(form);
  if (error instanceof Offline) {
    box.textContent = t("need_network_short");
    return;
  }
  if (!(error instanceof ApiError)) {
    box.textContent = t("error");
    return;
  }
  box.textContent = error.message;
  let first = null;
  for (const [name, messages] of Object.entries(error.fields || {})) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const own = form.querySelector(`#${CSS.escape(name)}-error`);
    if (own) own.textContent = [].concat(messages).join(" ");
    first ??= input;
  }
  first?.focus();
}

// Run `work` for a submitted form: the button busy meanwhile, a refusal shown.
export function onSubmit(form, box, work) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    box.textContent = "";
    const button = form.querySelector("button[type=submit]");
    if (!navigator.onLine) {
      box.textContent = t("need_network_short");
      return;
    }
    button.disabled = true;
    try {
      await work();
    } catch (error) {
      showError(form, box, error);
    } finally {
      button.disabled = false;
    }
  });
}

addWords({
  id: { need_network_short: "Perlu koneksi internet. Sambungkan HP ke internet lalu coba lagi." },
  en: { need_network_short: "Needs an internet connection. Connect the phone and try again." },
});

export const alertBox = (id) => h("p", { id, class: "error", role: "alert" });
export const statusBox = (id) => h("p", { id, class: "notice", role: "status", hidden: true });

// The server's word that a code went out (the same whether or not the number is known).
export function said(box, text) {
  box.textContent = text;
  box.hidden = false;
}

// The first step of a form that needs a one-time code: the code asked for `purpose` to the
// number in the form's `phone` field, the server's word said in `sent`, the `rest` of the form
// shown and the `button`, if given, relabelled `label` for the second step.
export async function askCode(form, { purpose, sent, rest, button = null, label = "" }) {
  const { data } = await post("/auth/otp", { phone: form.phone.value.trim(), purpose });
  said(sent, data.message);
  rest.hidden = false;
  if (button) button.textContent = label;
  form.otp.focus();
}
