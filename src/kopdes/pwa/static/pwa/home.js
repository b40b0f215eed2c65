// Beranda: everything in one request (GET /api/v1/me/home).
import { h, failure } from "./app.js";
import { get, rememberName } from "./api.js";
import { t, rupiah, day, moment, addWords } from "./i18n.js";

addWords({
  id: { loans_open: "Pinjaman: jadwal, simulasi, pengajuan", join_open: "Ajukan diri menjadi anggota" },
  en: { loans_open: "Loans: schedule, simulation, application", join_open: "Ask to become a member" },
});

export function freshness(root, { offline }, time) {
  root.append(h("p", { class: offline ? "stale" : "muted", id: "updated", "data-offline": offline ? "1" : "0" },
    offline ? `${t("offline_data")} ` : "",
    t("updated", { time: moment(time) })));
}

function row(label, value, cls = "") {
  return h("div", { class: `row ${cls}` }, h("dt", {}, label), h("dd", {}, value));
}

function membership(m) {
  const bills = m.bills_due;
  const loan = m.loans;
  const next = loan.next_installment;
  return h("section", { class: "card", "aria-labelledby": `coop-${m.member_id}` },
    h("h2", { id: `coop-${m.member_id}` }, m.cooperative.name),
    h("p", { class: "muted" }, t("member_no", { niak: m.niak })),
    h("h3", {}, t("savings")),
    h("dl", { class: "amounts" },
      m.savings.map((s) => row(s.label, rupiah(s.balance))),
      row(t("total"), rupiah(m.savings_total), "sum")),
    h("h3", {}, t("bills")),
    bills.count === 0
      ? h("p", {}, t("bills_none"))
      : [h("p", { class: "due" }, t("bills_due", { count: bills.count, total: rupiah(bills.total) })),
         h("ul", { class: "plain" }, bills.next.map((b) =>
           h("li", {}, `${b.label} · ${t("period", { period: b.period })} · ${rupiah(b.outstanding)}`)))],
    h("h3", {}, t("loan")),
    loan.count === 0
      ? h("p", {}, t("loan_none"))
      : [h("dl", { class: "amounts" },
          row(t("outstanding"), rupiah(loan.outstanding)),
          next && row(t("next_installment"), rupiah(next.amount))),
         next && h("p", { class: "muted" }, `${next.product}: ${t("installment_n", { n: next.number, date: day(next.due_date) })}`)],
    h("p", {}, h("a", { href: "#/pinjaman", class: "link" }, t("loans_open"))),
  );
}

export async function render(root, retry) {
  let answer;
  try {
    answer = await get("/me/home");
  } catch (error) {
    root.append(h("h1", {}, t("nav_home")), failure(error, retry));
    return;
  }
  const home = answer.data;
  rememberName(home.full_name);
  root.append(h("h1", {}, t("hello", { name: home.full_name })));
  freshness(root, answer, home.server_time);
  if (home.memberships.length === 0) {
    root.append(h("p", { class: "notice" }, t("no_membership")),
      h("p", {}, h("a", { href: "#/gabung", class: "link" }, t("join_open"))));
  }
  root.append(...home.memberships.map(membership));
  root.append(h("section", { class: "card", "aria-labelledby": "news" },
    h("h2", { id: "news" }, t("news")),
    home.announcements.length === 0
      ? h("p", {}, t("news_none"))
      : home.announcements.map((a) => h("article", { class: "news" },
          h("h3", {}, a.title),
          h("p", { class: "muted" }, `${a.kind_label} · ${day(a.publish_on)}`),
          h("p", { class: "body" }, a.body)))));
}
