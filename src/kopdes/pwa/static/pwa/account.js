// Akun: the language and signing out (POST /api/v1/auth/logout; the kept data are deleted).
import { h, go } from "./app.js";
import { rememberedName, signOut, device, forgetDevice } from "./api.js";
import { t, languages, current, choose, addWords } from "./i18n.js";

addWords({
  id: { pin_forget: "Hapus PIN dari HP ini", pin_forgotten: "PIN dihapus dari HP ini. Berikutnya masuk dengan kata sandi." },
  en: { pin_forget: "Remove the PIN from this phone", pin_forgotten: "The PIN is removed from this phone. Next time, sign in with the password." },
});

export async function render(root, retry) {
  const note = h("p", { role: "status", id: "account-status" });
  const choices = Object.entries(languages).map(([code, name]) => h("label", { class: "choice" },
    h("input", { type: "radio", name: "lang", value: code, checked: code === current(),
      onchange: () => { choose(code); retry(); } }),
    name));
  root.append(
    h("h1", {}, t("account_title")),
    rememberedName() && h("p", {}, rememberedName()),
    h("fieldset", {}, h("legend", {}, t("language")), choices),
    device() && h("button", { type: "button", id: "forget-pin", class: "secondary", onclick: (event) => {
      forgetDevice();
      event.target.remove();
      note.textContent = t("pin_forgotten");
    } }, t("pin_forget")),
    h("button", { type: "button", id: "sign-out", class: "secondary", onclick: async () => {
      const reached = await signOut();
      if (!reached) sessionStorage.setItem("kopdes.m.note", t("signed_out_offline"));
      go("masuk");
    } }, t("sign_out")),
    note,
  );
}
