// Words of the member app: Bahasa Indonesia by default, English on request (kept on the phone).
// Labels of the data (kinds of simpanan, statuses) come from the API in the chosen language.
const WORDS = {
  id: {
    skip: "Langsung ke isi", loading: "Memuat…", nav: "Menu utama",
    nav_home: "Beranda", nav_savings: "Simpanan", nav_card: "Kartu", nav_account: "Akun",
    login_title: "Masuk", phone: "Nomor HP", phone_hint: "Contoh: 0812 3456 7890",
    password: "Kata sandi", sign_in: "Masuk", signing_in: "Sedang masuk…",
    login_intro: "Masuk dengan nomor HP dan kata sandi akun anggota Anda.",
    login_offline: "Tidak ada koneksi internet. Untuk masuk, sambungkan HP ke internet lalu coba lagi.",
    login_failed: "Gagal masuk.", no_account: "Belum punya akun? Hubungi pengurus koperasi Anda.",
    hello: "Halo, {name}", updated: "Terakhir diperbarui {time}",
    offline_data: "Tanpa koneksi: data terakhir yang tersimpan.",
    offline: "Tanpa koneksi", online: "",
    member_no: "No. anggota {niak}", savings: "Simpanan", total: "Jumlah",
    bills: "Tagihan", bills_none: "Tidak ada tagihan terbuka.",
    bills_due: "{count} tagihan, jumlah {total}", period: "Periode {period}",
    loan: "Pinjaman", loan_none: "Tidak ada pinjaman berjalan.",
    outstanding: "Sisa pokok", next_installment: "Angsuran berikutnya",
    installment_n: "Angsuran ke-{n}, jatuh tempo {date}",
    news: "Pengumuman", news_none: "Belum ada pengumuman.",
    no_membership: "Akun ini belum terdaftar sebagai anggota aktif koperasi. Hubungi pengurus koperasi Anda.",
    savings_title: "Simpanan", transactions: "Riwayat transaksi", txn_none: "Belum ada transaksi.",
    balance_after: "Saldo {amount}", corrected: "dikoreksi",
    pay_later: "Pembayaran tagihan lewat QRIS akan tersedia di aplikasi ini. Sementara itu, bayar di kantor koperasi.",
    card_title: "Kartu anggota", card_none: "Kartu anggota muncul setelah Anda mendapat nomor anggota.",
    card_qr: "Kode QR kartu anggota {niak}", card_check: "Petugas dapat memindai kode ini untuk memeriksa kartu.",
    joined: "Anggota sejak {date}",
    account_title: "Akun", language: "Bahasa", sign_out: "Keluar",
    signed_out_offline: "Anda keluar dari HP ini. Tanpa koneksi, sesi di server berakhir sendiri saat kedaluwarsa.",
    need_network: "Perlu koneksi internet. Layar ini belum pernah dibuka di HP ini; sambungkan ke internet lalu coba lagi.",
    error: "Terjadi kesalahan di server. Coba lagi nanti.", retry: "Coba lagi",
    not_found: "Halaman tidak ditemukan.",
  },
  en: {
    skip: "Skip to content", loading: "Loading…", nav: "Main menu",
    nav_home: "Home", nav_savings: "Savings", nav_card: "Card", nav_account: "Account",
    login_title: "Sign in", phone: "Phone number", phone_hint: "For example: 0812 3456 7890",
    password: "Password", sign_in: "Sign in", signing_in: "Signing in…",
    login_intro: "Sign in with the phone number and password of your member account.",
    login_offline: "No internet connection. To sign in, connect the phone to the internet and try again.",
    login_failed: "Could not sign in.", no_account: "No account yet? Ask your cooperative's officers.",
    hello: "Hello, {name}", updated: "Last updated {time}",
    offline_data: "Offline: the last saved data.",
    offline: "Offline", online: "",
    member_no: "Member no. {niak}", savings: "Savings", total: "Total",
    bills: "Bills", bills_none: "No open bills.",
    bills_due: "{count} bills, total {total}", period: "Period {period}",
    loan: "Loan", loan_none: "No running loan.",
    outstanding: "Principal left", next_installment: "Next installment",
    installment_n: "Installment {n}, due {date}",
    news: "Announcements", news_none: "No announcements yet.",
    no_membership: "This account is not yet an active member of a cooperative. Ask your cooperative's officers.",
    savings_title: "Savings", transactions: "Transactions", txn_none: "No transactions yet.",
    balance_after: "Balance {amount}", corrected: "corrected",
    pay_later: "Paying bills by QRIS will come to this app. Meanwhile, pay at the cooperative's office.",
    card_title: "Member card", card_none: "Your member card appears once you have a member number.",
    card_qr: "QR code of member card {niak}", card_check: "An officer can scan this code to check the card.",
    joined: "Member since {date}",
    account_title: "Account", language: "Language", sign_out: "Sign out",
    signed_out_offline: "You are signed out on this phone. Offline, the session on the server ends when it expires.",
    need_network: "Needs an internet connection. This screen was never opened on this phone; connect to the internet and try again.",
    error: "Something went wrong on the server. Try again later.", retry: "Try again",
    not_found: "Page not found.",
  },
};

const KEY = "kopdes.m.lang";
let lang = localStorage.getItem(KEY) === "en" ? "en" : "id";

export const languages = { id: "Bahasa Indonesia", en: "English" };

export function current() {
  return lang;
}

export function choose(code) {
  lang = code === "en" ? "en" : "id";
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}

// A screen's own words, added when its module loads (each screen keeps its words beside it):
// addWords({ id: { key: "…" }, en: { key: "…" } }).
export function addWords(words) {
  for (const code of Object.keys(WORDS)) Object.assign(WORDS[code], words[code] ?? {});
}

export function t(key, values = {}) {
  let text = WORDS[lang][key] ?? WORDS.id[key] ?? key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

// Rp1.250.000 (Indonesian grouping in both languages: it is how rupiah are written).
export function rupiah(amount) {
  const sign = amount < 0 ? "-" : "";
  return `${sign}Rp${Math.abs(amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".")}`;
}

const locale = () => (lang === "en" ? "en-GB" : "id-ID");

export function day(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(locale(), {
    day: "numeric", month: "short", year: "numeric",
  });
}

export function moment(iso) {
  return new Date(iso).toLocaleString(locale(), {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

// The shell's fixed words (elements with data-t) in the chosen language.
export function translateShell() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.getElementById("tabs")?.setAttribute("aria-label", t("nav"));
}
