// Simpanan: open bills and the transactions (GET /me/bills, /me/savings/transactions).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { t, rupiah, day, addWords } from "./i18n.js";
import { freshness } from "./home.js";
import { field, alertBox } from "./form.js";

addWords({
  id: { deposit_title: "Setor simpanan sukarela", deposit_amount: "Jumlah (Rp)",
    deposit_hint: "Contoh: 50000", deposit_pay: "Setor dengan QRIS", deposit_invalid: "Isi jumlah dalam rupiah, lebih dari 0.",
    pay_bill: "Bayar {amount} dengan QRIS" },
  en: { deposit_title: "Deposit into voluntary savings", deposit_amount: "Amount (Rp)",
    deposit_hint: "For example: 50000", deposit_pay: "Deposit by QRIS", deposit_invalid: "Give an amount in rupiah, above 0.",
    pay_bill: "Pay {amount} by QRIS" },
});

// The QRIS screen is loaded only when the member pays.
async function pay(box, request, retry) {
  const { payByQris } = await import("./pay.js");
  await payByQris(box, request, (message) => {
    sessionStorage.setItem("kopdes.m.paid", message);
    retry();
  });
}

function deposit(memberships, box, retry) {
  const error = alertBox("deposit-error");
  const choose = memberships.length > 1 && h("select", { id: "deposit-coop", name: "cooperative_id", "aria-label": t("deposit_title") },
    memberships.map((m) => h("option", { value: m.cooperative.id }, m.cooperative.name)));
  const form = h("form", { class: "stack", novalidate: true },
    choose, field("amount", t("deposit_amount"), { inputmode: "numeric", required: true }, t("deposit_hint")),
    error, h("button", { type: "submit" }, t("deposit_pay")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const amount = Number(form.amount.value.replace(/\D/g, ""));
    error.textContent = "";
    form.amount.removeAttribute("aria-invalid");
    if (!amount) {
      form.amount.setAttribute("aria-invalid", "true");
      form.querySelector("#amount-error").textContent = t("deposit_invalid");
      form.amount.focus();
      return;
    }
    const cooperative_id = choose ? choose.value : memberships[0].cooperative.id;
    pay(box, { cooperative_id, kind: "deposit", amount }, retry);
  });
  return h("section", { class: "card", "aria-labelledby": "deposit" },
    h("h2", { id: "deposit" }, t("deposit_title")), form);
}

const OUT = ["withdrawal", "transfer_out", "reversal_out"];

export async function render(root, retry) {
  root.append(h("h1", {}, t("savings_title")));
  let bills, txns, memberships;
  try {
    [bills, txns, memberships] = await Promise.all([
      get("/me/bills?open_only=true&limit=24"),
      get("/me/savings/transactions?limit=30"),
      get("/me/memberships").catch(() => ({ data: [] })),
    ]);
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  const offline = bills.offline || txns.offline;
  freshness(root, { offline }, (offline && (txns.saved || bills.saved)) || new Date().toISOString());
  const paid = sessionStorage.getItem("kopdes.m.paid");
  sessionStorage.removeItem("kopdes.m.paid");
  if (paid) root.append(h("p", { class: "notice ok", role: "status", id: "paid" }, paid));
  const box = h("div", { id: "pay-box", hidden: true });
  const active = memberships.data.filter((m) => m.status === "active");
  root.append(h("section", { class: "card", "aria-labelledby": "bills" },
    h("h2", { id: "bills" }, t("bills")),
    bills.data.items.length === 0
      ? h("p", {}, t("bills_none"))
      : [h("ul", { class: "list" }, bills.data.items.map((b) => h("li", {},
          h("span", {}, `${b.savings_label} · ${t("period", { period: b.period })}`),
          h("strong", {}, rupiah(b.outstanding)),
          h("small", { class: "muted" }, b.status_label),
          h("button", { type: "button", class: "secondary",
            onclick: () => pay(box, { cooperative_id: b.cooperative_id, kind: "bill", bill_id: b.id }, retry) },
            t("pay_bill", { amount: rupiah(b.outstanding) })))))]));
  root.append(box);
  if (active.length) root.append(deposit(active, box, retry));
  root.append(h("section", { class: "card", "aria-labelledby": "txns" },
    h("h2", { id: "txns" }, t("transactions")),
    txns.data.items.length === 0
      ? h("p", {}, t("txn_none"))
      : h("ul", { class: "list" }, txns.data.items.map((x) => h("li", {},
          h("span", {}, `${day(x.date)} · ${x.type_label}`),
          h("strong", { class: OUT.includes(x.type) ? "out" : "in" },
            `${OUT.includes(x.type) ? "−" : "+"}${rupiah(x.amount)}`),
          h("small", { class: "muted" }, `${x.savings_label} · ${t("balance_after", { amount: rupiah(x.balance_after) })}`,
            x.corrected ? ` · ${t("corrected")}` : ""))))));
}
