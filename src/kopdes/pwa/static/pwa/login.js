// Sign-in with phone number and password (POST /api/v1/auth/login).
import { h, go } from "./app.js";
import { ApiError, Offline, signIn, device } from "./api.js";
import { t, addWords } from "./i18n.js";

addWords({
  id: { login_activate: "Aktifkan akun", login_activate_hint: "Sudah anggota koperasi tetapi belum punya akun?",
    login_register: "Daftar", login_register_hint: "Belum anggota? Buat akun lalu ajukan diri ke koperasi desa Anda.",
    login_pin: "Masuk dengan PIN" },
  en: { login_activate: "Activate the account", login_activate_hint: "Already a member but no account yet?",
    login_register: "Register", login_register_hint: "Not a member yet? Create an account, then ask your village's cooperative.",
    login_pin: "Sign in with the PIN" },
});

export async function render(root) {
  const message = h("div", { id: "login-error", class: "error", role: "alert" });
  const phone = h("input", {
    id: "phone", name: "phone", type: "tel", inputmode: "tel", autocomplete: "username",
    required: true, "aria-describedby": "phone-hint login-error",
  });
  const password = h("input", {
    id: "password", name: "password", type: "password", autocomplete: "current-password",
    required: true, "aria-describedby": "login-error",
  });
  const button = h("button", { type: "submit" }, t("sign_in"));
  const form = h("form", { class: "stack", novalidate: true },
    h("label", { for: "phone" }, t("phone")),
    phone,
    h("small", { id: "phone-hint", class: "muted" }, t("phone_hint")),
    h("label", { for: "password" }, t("password")),
    password,
    message,
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    if (!navigator.onLine) {
      message.textContent = t("login_offline");
      return;
    }
    button.disabled = true;
    button.textContent = t("signing_in");
    try {
      await signIn(phone.value.trim(), password.value);
      // A password sign-in offers the PIN of this phone, unless it has one.
      if (device()) go("beranda");
      else {
        sessionStorage.setItem("kopdes.m.next", "beranda");
        go("pin");
      }
    } catch (error) {
      if (error instanceof Offline) message.textContent = t("login_offline");
      else if (error instanceof ApiError) message.textContent = `${t("login_failed")} ${error.message}`;
      else message.textContent = t("error");
      button.disabled = false;
      button.textContent = t("sign_in");
      password.focus();
    }
  });
  const note = sessionStorage.getItem("kopdes.m.note");
  sessionStorage.removeItem("kopdes.m.note");
  root.append(
    h("h1", {}, t("login_title")),
    note && h("p", { class: "notice", role: "status" }, note),
    h("p", {}, t("login_intro")),
    form,
    device() && h("p", {}, h("a", { href: "#/buka", class: "link" }, t("login_pin"))),
    h("p", { class: "muted" }, t("login_activate_hint")),
    h("p", {}, h("a", { href: "#/aktifkan", class: "link" }, t("login_activate"))),
    h("p", { class: "muted" }, t("login_register_hint")),
    h("p", {}, h("a", { href: "#/daftar", class: "link" }, t("login_register"))),
  );
}
