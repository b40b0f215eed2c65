// Lainnya: the way to the screens beyond the four tabs (shop, SHU, RAT, transparency). Loaded
// with app.js, since the tab's own word is in the shell.
import { h } from "./app.js";
import { t, addWords } from "./i18n.js";

addWords({
  id: {
    nav_more: "Lainnya", more_title: "Lainnya",
    more_shop: "Belanja di gerai koperasi", more_shop_hint: "Harga anggota, pesan untuk diambil, riwayat belanja",
    more_shu: "SHU", more_shu_hint: "Perkiraan SHU tahun ini dan rincian tahun lalu",
    more_rat: "RAT", more_rat_hint: "Undangan, dokumen, kehadiran dan pemungutan suara",
    more_transparency: "Transparansi", more_transparency_hint: "Laporan koperasi, dana CSR, verifikasi transaksi saya",
    need_online: "Perlu koneksi internet. Sambungkan HP ke internet lalu coba lagi.",
  },
  en: {
    nav_more: "More", more_title: "More",
    more_shop: "Shop at the cooperative's outlets", more_shop_hint: "Member prices, order for pickup, purchases",
    more_shu: "SHU", more_shu_hint: "This year's estimated SHU and past statements",
    more_rat: "RAT", more_rat_hint: "Notice, documents, attendance and voting",
    more_transparency: "Transparency", more_transparency_hint: "The cooperative's report, CSR funds, verify my transaction",
    need_online: "Needs an internet connection. Connect the phone to the internet and try again.",
  },
});

// The routes reached from here: the tab "Lainnya" stays marked on them.
export const ROUTES = ["lainnya", "belanja", "shu", "rat", "transparansi"];

export async function render(root) {
  root.append(h("h1", {}, t("more_title")),
    h("ul", { class: "menu" }, [
      ["belanja", "more_shop"], ["shu", "more_shu"], ["rat", "more_rat"],
      ["transparansi", "more_transparency"],
    ].map(([route, key]) => h("li", {}, h("a", { href: `#/${route}` },
      h("strong", {}, t(key)), h("span", { class: "muted" }, t(`${key}_hint`)))))));
}
