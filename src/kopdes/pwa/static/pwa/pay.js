// Paying by QRIS (docs/adr/0019-qris-gateway.md): the server makes the payment intent and its
// dynamic QRIS (with the QR code as an SVG made by the server); the app shows it with the amount
// and the time it expires, and asks GET /me/payments/{id} every few seconds until it is paid
// (then `paid()`, e.g. the balances again) or expired. Always online: a payment is never shown
// from a kept copy.
import { h } from "./app.js";
import { get, post, Offline } from "./api.js";
import { t, addWords, rupiah, moment } from "./i18n.js";

addWords({
  id: {
    pay_qris: "Bayar dengan QRIS", pay_title: "Bayar dengan QRIS",
    pay_scan: "Pindai kode QR ini dengan aplikasi bank atau dompet digital Anda.",
    pay_qr: "Kode QRIS untuk membayar {amount}", pay_to: "Kepada {merchant}",
    pay_until: "Berlaku sampai {time}", pay_waiting: "Menunggu pembayaran…",
    pay_paid: "Pembayaran {amount} diterima. Terima kasih!", pay_expired: "Waktu pembayaran habis. Buat kode baru bila ingin membayar.",
    pay_offline: "Perlu koneksi internet untuk membayar dengan QRIS.", pay_close: "Tutup",
    pay_check_failed: "Status pembayaran belum dapat diperiksa; mencoba lagi…",
  },
  en: {
    pay_qris: "Pay by QRIS", pay_title: "Pay by QRIS",
    pay_scan: "Scan this QR code with your bank's or e-wallet's app.",
    pay_qr: "QRIS code to pay {amount}", pay_to: "To {merchant}",
    pay_until: "Valid until {time}", pay_waiting: "Waiting for the payment…",
    pay_paid: "Payment of {amount} received. Thank you!", pay_expired: "The time to pay is over. Make a new code to pay.",
    pay_offline: "Paying by QRIS needs an internet connection.", pay_close: "Close",
    pay_check_failed: "The payment's state could not be checked yet; trying again…",
  },
});

const EVERY = 3000;
let polling = 0;

// Ask for the intent (POST `path` with the body `request`: /me/savings/qris for simpanan,
// /me/loans/{id}/qris for a loan payment) and show it in `box`; returns the refusal, if any.
export async function payByQris(box, path, request, paid) {
  const ticket = ++polling;
  const status = h("p", { role: "status", id: "pay-status" });
  box.hidden = false;
  if (!navigator.onLine) {
    box.replaceChildren(h("p", { class: "error", role: "alert" }, t("pay_offline")));
    return;
  }
  let intent;
  try {
    ({ data: intent } = await post(path, request,
      { "Idempotency-Key": `m-${Date.now()}-${Math.random().toString(36).slice(2, 10)}` }));
  } catch (error) {
    box.replaceChildren(h("p", { class: "error", role: "alert" },
      error instanceof Offline ? t("pay_offline") : error.message || t("error")));
    return error; // the refusal, for the screen that asked (e.g. to mark its amount field)
  }
  const close = h("button", { type: "button", class: "secondary", onclick: () => {
    polling++;
    box.hidden = true;
    box.replaceChildren();
  } }, t("pay_close"));
  box.replaceChildren(h("section", { class: "card pay", "aria-labelledby": "pay-title", id: "pay" },
    h("h2", { id: "pay-title", tabindex: "-1" }, t("pay_title")),
    h("p", { class: "amount" }, rupiah(intent.amount)),
    h("p", { class: "muted" }, t("pay_to", { merchant: intent.merchant_name })),
    h("img", { class: "qr", src: intent.qr_svg, width: 240, height: 240,
      alt: t("pay_qr", { amount: rupiah(intent.amount) }) }),
    h("p", {}, t("pay_scan")),
    h("p", { class: "muted" }, t("pay_until", { time: moment(intent.expires_at) })),
    status, close));
  box.querySelector("#pay-title").focus();
  status.textContent = t("pay_waiting");
  const done = (state) => {
    box.querySelector(".qr")?.remove();
    if (state === "paid") {
      status.textContent = t("pay_paid", { amount: rupiah(intent.amount) });
      status.className = "ok";
      paid(status.textContent);
    } else status.textContent = t("pay_expired");
  };
  const check = async () => {
    if (ticket !== polling || !document.contains(box)) return;
    try {
      const { data, offline } = await get(`/me/payments/${intent.id}`);
      if (offline) status.textContent = t("pay_offline");
      else if (data.status === "pending") status.textContent = t("pay_waiting");
      else return done(data.status);
    } catch (error) {
      status.textContent = error instanceof Offline ? t("pay_offline") : t("pay_check_failed");
    }
    setTimeout(check, EVERY);
  };
  setTimeout(check, EVERY);
}
