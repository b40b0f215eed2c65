// Simpanan: open bills and the transactions (GET /me/bills, /me/savings/transactions).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { t, rupiah, day, addWords } from "./i18n.js";
import { freshness } from "./home.js";
import { field, alertBox, onSubmit } from "./form.js";

addWords({
  id: { deposit_title: "Setor simpanan sukarela", deposit_amount: "Jumlah (Rp)",
    deposit_hint: "Contoh: 50000", deposit_pay: "Setor dengan QRIS", deposit_invalid: "Isi jumlah dalam rupiah, lebih dari 0.",
    pay_bill: "Bayar {amount} dengan QRIS",
    statement_title: "Mutasi simpanan", statement_from: "Dari tanggal", statement_to: "Sampai tanggal",
    statement_show: "Tampilkan mutasi", statement_coop: "Koperasi", statement_opening: "Saldo awal {amount}",
    statement_closing: "Saldo akhir {amount}", statement_none: "Tidak ada transaksi pada periode ini.",
    statement_not_opened: "Belum ada rekening." },
  en: { deposit_title: "Deposit into voluntary savings", deposit_amount: "Amount (Rp)",
    deposit_hint: "For example: 50000", deposit_pay: "Deposit by QRIS", deposit_invalid: "Give an amount in rupiah, above 0.",
    pay_bill: "Pay {amount} by QRIS",
    statement_title: "Savings statement", statement_from: "From", statement_to: "Until",
    statement_show: "Show the statement", statement_coop: "Cooperative", statement_opening: "Opening balance {amount}",
    statement_closing: "Closing balance {amount}", statement_none: "No transactions in this period.",
    statement_not_opened: "No account yet." },
});

// The QRIS screen is loaded only when the member pays.
async function pay(box, request, retry) {
  const { payByQris } = await import("./pay.js");
  await payByQris(box, "/me/savings/qris", request, (message) => {
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

// The mutasi of a period (GET /me/memberships/{id}/savings-statement), as on the passbook: each account's opening
// and closing balance and its transactions with the running balance.
function statement(memberships) {
  const today = new Date().toISOString().slice(0, 10);
  const result = h("div", { id: "statement-result", "aria-live": "polite" });
  const error = alertBox("statement-error");
  const choose = memberships.length > 1 && h("div", { class: "stack field" },
    h("label", { for: "member_id" }, t("statement_coop")),
    h("select", { id: "member_id", name: "member_id" },
      memberships.map((m) => h("option", { value: m.id }, m.cooperative.name))));
  const form = h("form", { class: "stack", novalidate: true }, choose,
    field("date_from", t("statement_from"), { type: "date", value: `${today.slice(0, 4)}-01-01`, required: true }),
    field("date_to", t("statement_to"), { type: "date", value: today, required: true }),
    error, h("button", { type: "submit" }, t("statement_show")));
  onSubmit(form, error, async () => {
    const member = choose ? form.member_id.value : memberships[0].id;
    const query = new URLSearchParams({ date_from: form.date_from.value, date_to: form.date_to.value });
    const { data } = await get(`/me/memberships/${member}/savings-statement?${query}`);
    result.replaceChildren(...data.accounts.map((a) => h("section", { class: "statement" },
      h("h3", {}, a.savings_label),
      !a.opened ? h("p", { class: "muted" }, t("statement_not_opened")) : [
        h("p", {}, t("statement_opening", { amount: rupiah(a.opening) })),
        a.rows.length === 0 ? h("p", { class: "muted" }, t("statement_none"))
          : h("ul", { class: "list" }, a.rows.map((r) => h("li", {},
              h("span", {}, `${day(r.date)} · ${r.type_label}`),
              h("strong", { class: r.debit ? "out" : "in" }, r.debit ? `−${rupiah(r.debit)}` : `+${rupiah(r.credit)}`),
              h("small", { class: "muted" }, t("balance_after", { amount: rupiah(r.balance) }))))),
        h("p", {}, h("strong", {}, t("statement_closing", { amount: rupiah(a.closing) })))])));
  });
  return h("section", { class: "card", "aria-labelledby": "statement" },
    h("h2", { id: "statement" }, t("statement_title")), form, result);
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
  if (active.length) root.append(statement(active));
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
