// The PIN of this phone (docs/adr/0031-member-accounts.md): set it after a password sign-in
// (POST /auth/pin), open the app with it (POST /auth/pin/unlock), or set a new one with a code
// sent to the phone (POST /auth/otp, then /auth/pin/reset). The device's id and key are kept in
// this app's storage; the PIN itself never is.
import { h, go } from "./app.js";
import { post, device, keepDevice, forgetDevice, keepToken, DEVICE_LABEL, ApiError } from "./api.js";
import { t, addWords } from "./i18n.js";
import { field, onSubmit, alertBox, statusBox, askCode } from "./form.js";

addWords({
  id: {
    pin_title: "Buat PIN", pin_intro: "Buat PIN 6 angka untuk membuka aplikasi ini di HP ini tanpa kata sandi.",
    pin: "PIN (6 angka)", pin_again: "Ulangi PIN", pin_hint: "Jangan pakai angka sama semua atau berurutan (123456).",
    pin_save: "Simpan PIN", pin_later: "Nanti saja", pin_mismatch: "Kedua PIN tidak sama.",
    unlock_title: "Masukkan PIN", unlock_intro: "Buka aplikasi dengan PIN HP ini.", unlock: "Buka",
    pin_forgot: "Lupa PIN?", with_password: "Masuk dengan kata sandi",
    reset_title: "Atur ulang PIN", reset_intro: "Kami kirim kode ke nomor HP akun Anda, lalu Anda membuat PIN baru.",
    send_code: "Kirim kode", code: "Kode dari pesan", code_hint: "6 angka, berlaku 5 menit.",
    new_pin: "PIN baru (6 angka)", pin_reset_save: "Simpan PIN baru",
    pad: "Tombol angka PIN", pad_delete: "Hapus angka terakhir", pad_digit: "Angka {n}",
  },
  en: {
    pin_title: "Create a PIN", pin_intro: "Create a 6-digit PIN to open this app on this phone without the password.",
    pin: "PIN (6 digits)", pin_again: "Repeat the PIN", pin_hint: "Not one digit repeated nor a sequence (123456).",
    pin_save: "Save the PIN", pin_later: "Not now", pin_mismatch: "The two PINs differ.",
    unlock_title: "Enter your PIN", unlock_intro: "Open the app with this phone's PIN.", unlock: "Open",
    pin_forgot: "Forgot the PIN?", with_password: "Sign in with the password",
    reset_title: "Reset the PIN", reset_intro: "We send a code to your account's phone number, then you create a new PIN.",
    send_code: "Send the code", code: "Code from the message", code_hint: "6 digits, valid 5 minutes.",
    new_pin: "New PIN (6 digits)", pin_reset_save: "Save the new PIN",
    pad: "PIN keypad", pad_delete: "Delete the last digit", pad_digit: "Digit {n}",
  },
});

// The PIN fields take typing (a keyboard, a screen reader's) as any field; on the phone the
// on-screen keypad below them types instead of the system keyboard (inputmode none).
const PIN = { type: "password", inputmode: "none", pattern: "[0-9]*", maxlength: 6, autocomplete: "off", required: true };

// An on-screen keypad (0-9 and delete, each at least 48 px) for the PIN `inputs`: it types into
// the PIN field last focused (the first at the start), moves on to the next one when a field has
// its 6 digits, and tells the field (an "input" event) as typing would.
export function pinPad(inputs) {
  let target = inputs[0];
  for (const input of inputs) {
    input.addEventListener("focus", () => { target = input; });
    input.addEventListener("input", () => { input.value = input.value.replace(/\D/g, "").slice(0, 6); });
  }
  const press = (digit) => {
    if (target.value.length >= 6) {
      const next = inputs[inputs.indexOf(target) + 1];
      if (!next || next.value.length >= 6) return;
      target = next;
    }
    target.value += digit;
    target.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const erase = () => {
    if (!target.value && inputs.indexOf(target) > 0) target = inputs[inputs.indexOf(target) - 1];
    target.value = target.value.slice(0, -1);
    target.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const key = (digit) => h("button", { type: "button", class: "pad-key", "data-digit": digit,
    "aria-label": t("pad_digit", { n: digit }), onclick: () => press(digit) }, digit);
  return h("div", { class: "pinpad", role: "group", "aria-label": t("pad") },
    ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map(key),
    h("span", { "aria-hidden": "true" }),
    key("0"),
    h("button", { type: "button", class: "pad-key secondary", "data-key": "delete",
      "aria-label": t("pad_delete"), onclick: erase }, "⌫"));
}

// #/pin: after a password sign-in, activation or registration (`kopdes.m.next`: where to go then).
export async function render(root) {
  const next = sessionStorage.getItem("kopdes.m.next") || "beranda";
  const done = () => { sessionStorage.removeItem("kopdes.m.next"); go(next); };
  const box = alertBox("pin-error");
  const form = h("form", { class: "stack", novalidate: true },
    field("pin", t("pin"), PIN, t("pin_hint")),
    field("pin_again", t("pin_again"), PIN),
    box);
  form.append(pinPad([form.pin, form.pin_again]), h("button", { type: "submit" }, t("pin_save")));
  onSubmit(form, box, async () => {
    const [pin, again] = [form.pin.value, form.pin_again.value];
    if (pin !== again) {
      form.pin_again.setAttribute("aria-invalid", "true");
      form.querySelector("#pin_again-error").textContent = t("pin_mismatch");
      form.pin_again.focus();
      return;
    }
    const { data } = await post("/auth/pin", { pin, device: DEVICE_LABEL });
    keepDevice(data);
    done();
  });
  root.append(h("h1", {}, t("pin_title")), h("p", {}, t("pin_intro")), form,
    h("button", { type: "button", class: "secondary", id: "pin-later", onclick: done }, t("pin_later")));
}

// #/buka: the token is gone or lapsed, the device is kept.
export async function unlock(root) {
  const kept = device();
  if (!kept) return go("masuk");
  const box = alertBox("unlock-error");
  const form = h("form", { class: "stack", novalidate: true },
    field("pin", t("pin"), { ...PIN, autofocus: true }), box);
  form.append(pinPad([form.pin]), h("button", { type: "submit" }, t("unlock")));
  onSubmit(form, box, async () => {
    try {
      const { data } = await post("/auth/pin/unlock", { ...kept, pin: form.pin.value });
      await keepToken(data.token);
      go("beranda");
    } catch (error) {
      form.pin.value = "";
      // An unknown or locked device: only the password can open the app again.
      if (error instanceof ApiError && ["auth.device_invalid", "auth.device_locked"].includes(error.code)) {
        forgetDevice();
        sessionStorage.setItem("kopdes.m.note", error.message);
        return go("masuk");
      }
      throw error;
    }
  });
  root.append(h("h1", {}, t("unlock_title")), h("p", {}, t("unlock_intro")), form,
    h("p", {}, h("a", { href: "#/lupa-pin", class: "link" }, t("pin_forgot"))),
    h("p", {}, h("a", { href: "#/masuk", class: "link" }, t("with_password"))));
}

// #/lupa-pin: a code to the phone, then a new PIN (every earlier device is disabled).
export async function reset(root) {
  const box = alertBox("reset-error");
  const phone = field("phone", t("phone"), { type: "tel", inputmode: "tel", autocomplete: "tel", required: true }, t("phone_hint"));
  const rest = h("div", { class: "stack", hidden: true },
    field("otp", t("code"), { inputmode: "numeric", autocomplete: "one-time-code", maxlength: 10 }, t("code_hint")),
    field("pin", t("new_pin"), PIN, t("pin_hint")));
  rest.append(pinPad([rest.querySelector("#pin")]));
  const button = h("button", { type: "submit" }, t("send_code"));
  const sent = statusBox("reset-sent");
  const form = h("form", { class: "stack", novalidate: true }, phone, sent, rest, box, button);
  onSubmit(form, box, async () => {
    if (rest.hidden) {
      await askCode(form, { purpose: "pin_reset", sent, rest, button, label: t("pin_reset_save") });
      return;
    }
    const { data } = await post("/auth/pin/reset", {
      phone: form.phone.value.trim(), otp: form.otp.value.trim(), pin: form.pin.value, device: DEVICE_LABEL,
    });
    keepDevice(data);
    await keepToken(data.token);
    go("beranda");
  });
  root.append(h("h1", {}, t("reset_title")), h("p", {}, t("reset_intro")), form,
    h("p", {}, h("a", { href: "#/buka", class: "link" }, t("unlock_title"))));
}
