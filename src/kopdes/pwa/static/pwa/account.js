// Akun: the language, the phones with a PIN (GET /api/v1/me/devices; one is disabled with POST
// /me/devices/{id}/disable: its PIN no longer opens the app) and signing out (POST
// /api/v1/auth/logout; the kept data are deleted).
import { h, go, failure } from "./app.js";
import { get, post, rememberedName, signOut, device, forgetDevice } from "./api.js";
import { t, languages, current, choose, addWords, day } from "./i18n.js";
import { alertBox, showError } from "./form.js";

addWords({
  id: {
    pin_forget: "Hapus PIN dari HP ini", pin_forgotten: "PIN dihapus dari HP ini. Berikutnya masuk dengan kata sandi.",
    devices_title: "HP dengan PIN", devices_none: "Belum ada HP dengan PIN.", device_unnamed: "HP tanpa nama",
    device_this: "HP ini", device_since: "Sejak {date}", device_used: "terakhir dipakai {date}",
    device_active: "Aktif", device_disabled: "Nonaktif sejak {date}",
    device_disable: "Nonaktifkan {label}", device_disabled_note: "{label} dinonaktifkan: PIN-nya tidak bisa lagi membuka aplikasi.",
    device_this_disabled: "HP ini dinonaktifkan: sesinya berakhir. Masuk lagi dengan kata sandi.",
  },
  en: {
    pin_forget: "Remove the PIN from this phone", pin_forgotten: "The PIN is removed from this phone. Next time, sign in with the password.",
    devices_title: "Phones with a PIN", devices_none: "No phone with a PIN yet.", device_unnamed: "Unnamed phone",
    device_this: "this phone", device_since: "Since {date}", device_used: "last used {date}",
    device_active: "Active", device_disabled: "Disabled since {date}",
    device_disable: "Disable {label}", device_disabled_note: "{label} is disabled: its PIN no longer opens the app.",
    device_this_disabled: "This phone is disabled: its session has ended. Sign in with the password again.",
  },
});

// The phones with a PIN, the ones in use first; a button disables one. Disabling another phone
// ends that phone's sessions; disabling this one ends this session too (the server revokes the
// tokens issued on it): the kept device and data are forgotten and the sign-in page says why.
async function devices(note) {
  const box = alertBox("devices-error");
  const section = h("section", { "aria-labelledby": "devices-title" }, h("h2", { id: "devices-title" }, t("devices_title")));
  let rows;
  try {
    rows = (await get("/me/devices")).data;
  } catch (error) {
    section.append(failure(error, async () => section.replaceWith(await devices(note))));
    return section;
  }
  const mine = device()?.device_id;
  const list = h("ul", { class: "list", id: "devices" }, rows.map((d) => {
    const label = d.label || t("device_unnamed");
    const name = d.id === mine ? `${label} (${t("device_this")})` : label;
    const item = h("li", {},
      h("span", {}, name),
      h("small", { class: d.active ? "ok" : "muted" }, d.active ? t("device_active") : t("device_disabled", { date: day(d.disabled_at.slice(0, 10)) })),
      h("small", { class: "muted" }, [t("device_since", { date: day(d.created_at.slice(0, 10)) }),
        d.last_used_at ? t("device_used", { date: day(d.last_used_at.slice(0, 10)) }) : ""].filter(Boolean).join(" · ")));
    if (d.active) {
      item.append(h("button", { type: "button", class: "secondary", "data-device": d.id, onclick: async () => {
        try {
          await post(`/me/devices/${d.id}/disable`, {});
        } catch (error) {
          showError(section, box, error);
          return;
        }
        if (d.id === mine) {
          forgetDevice();
          await signOut();
          sessionStorage.setItem("kopdes.m.note", t("device_this_disabled"));
          go("masuk");
          return;
        }
        section.replaceWith(await devices(note));
        note.textContent = t("device_disabled_note", { label: name });
      } }, t("device_disable", { label: name })));
    }
    return item;
  }));
  section.append(rows.length ? list : h("p", { class: "muted" }, t("devices_none")), box);
  return section;
}

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
    await devices(note),
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
