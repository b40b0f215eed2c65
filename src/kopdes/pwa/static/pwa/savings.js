// Simpanan: open bills and the transactions (GET /me/bills, /me/savings/transactions).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { t, rupiah, day } from "./i18n.js";
import { freshness } from "./home.js";

const OUT = ["withdrawal", "transfer_out", "reversal_out"];

export async function render(root, retry) {
  root.append(h("h1", {}, t("savings_title")));
  let bills, txns;
  try {
    [bills, txns] = await Promise.all([
      get("/me/bills?open_only=true&limit=24"),
      get("/me/savings/transactions?limit=30"),
    ]);
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  const offline = bills.offline || txns.offline;
  freshness(root, { offline }, (offline && (txns.saved || bills.saved)) || new Date().toISOString());
  root.append(h("section", { class: "card", "aria-labelledby": "bills" },
    h("h2", { id: "bills" }, t("bills")),
    bills.data.items.length === 0
      ? h("p", {}, t("bills_none"))
      : [h("ul", { class: "list" }, bills.data.items.map((b) => h("li", {},
          h("span", {}, `${b.savings_label} · ${t("period", { period: b.period })}`),
          h("strong", {}, rupiah(b.outstanding)),
          h("small", { class: "muted" }, b.status_label)))),
         h("p", { class: "muted" }, t("pay_later"))]));
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
