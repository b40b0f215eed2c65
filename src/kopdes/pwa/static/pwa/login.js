// Sign-in with phone number and password (POST /api/v1/auth/login).
import { h, go } from "./app.js";
import { ApiError, Offline, signIn } from "./api.js";
import { t } from "./i18n.js";

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
      go("beranda");
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
    h("p", { class: "muted" }, t("no_account")),
  );
}
