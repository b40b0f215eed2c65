// SHU: this year's estimated share (GET /me/shu/estimate, labelled as an estimate) and the
// statements of the years the RAT approved, each with its breakdown (GET /me/shu, /me/shu/{year}).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { kept } from "./send.js";
import { t, addWords, rupiah, day } from "./i18n.js";

addWords({
  id: {
    shu_title: "SHU", shu_estimate: "Perkiraan SHU tahun {year}",
    shu_estimate_note: "Ini hanya perkiraan, dihitung dari pembukuan sampai {date} dengan aturan pembagian yang berlaku. SHU sebenarnya ditetapkan RAT setelah tutup buku dan bisa berbeda.",
    shu_estimate_none: "Belum ada perkiraan: koperasi belum mencatat sisa hasil usaha tahun ini.",
    shu_year_result: "Sisa hasil usaha sementara", shu_pools: "Bagian anggota (jasa modal + jasa usaha)",
    jasa_modal: "Jasa modal (dari simpanan)", jasa_usaha: "Jasa usaha (dari belanja dan pinjaman)",
    my_savings: "Simpanan Anda {amount} dari {total}", my_transactions: "Transaksi Anda {amount} dari {total}",
    shu_total_mine: "Perkiraan SHU Anda", shu_past: "SHU tahun sebelumnya", shu_past_none: "Belum ada SHU yang disahkan RAT.",
    shu_detail: "Rincian SHU {year}", shu_of_coop: "SHU koperasi", shu_member_part: "Dari transaksi anggota",
    shu_mine: "SHU Anda", shu_paid: "Dibayar {date}", shu_unpaid: "Belum dibayar",
    shu_paid_sukarela: "ke simpanan sukarela", shu_paid_cash: "tunai", shu_resolution: "Keputusan RAT {no}",
    shu_allocation: "Pembagian SHU koperasi", shu_show: "Lihat rincian {year}",
  },
  en: {
    shu_title: "SHU", shu_estimate: "Estimated SHU for {year}",
    shu_estimate_note: "Only an estimate, from the books up to {date} and the allocation rules in force. The actual SHU is set by the RAT after the year is closed and may differ.",
    shu_estimate_none: "No estimate yet: the cooperative has no surplus recorded this year.",
    shu_year_result: "Surplus so far", shu_pools: "Members' part (capital + patronage)",
    jasa_modal: "Capital share (from savings)", jasa_usaha: "Patronage share (from purchases and loans)",
    my_savings: "Your savings {amount} of {total}", my_transactions: "Your transactions {amount} of {total}",
    shu_total_mine: "Your estimated SHU", shu_past: "Past years' SHU", shu_past_none: "No SHU approved by an RAT yet.",
    shu_detail: "SHU {year} in detail", shu_of_coop: "The cooperative's SHU", shu_member_part: "From members' business",
    shu_mine: "Your SHU", shu_paid: "Paid {date}", shu_unpaid: "Not paid yet",
    shu_paid_sukarela: "into voluntary savings", shu_paid_cash: "in cash", shu_resolution: "RAT decision {no}",
    shu_allocation: "How the cooperative's SHU is divided", shu_show: "Show {year} in detail",
  },
});

const row = (label, value, cls = "") => h("div", { class: `row ${cls}` }, h("dt", {}, label), h("dd", {}, value));

function estimate(e) {
  const id = `est-${e.cooperative.id}`;
  return h("section", { class: "card estimate", "aria-labelledby": id },
    h("h2", { id }, t("shu_estimate", { year: e.year })),
    h("p", { class: "muted" }, e.cooperative.name),
    h("p", { class: "stale", id: "shu-estimate-note" }, t("shu_estimate_note", { date: day(e.through) })),
    e.shu_total <= 0 ? h("p", {}, t("shu_estimate_none")) : h("dl", { class: "amounts" },
      row(t("shu_year_result"), rupiah(e.shu_total)),
      row(t("shu_pools"), rupiah(e.members_line)),
      row(t("jasa_modal"), rupiah(e.jasa_modal)),
      row(t("jasa_usaha"), rupiah(e.jasa_usaha)),
      row(t("shu_total_mine"), rupiah(e.total), "sum")),
    e.shu_total > 0 && h("p", { class: "muted" },
      t("my_savings", { amount: rupiah(e.savings), total: rupiah(e.savings_total) }), h("br"),
      t("my_transactions", { amount: rupiah(e.transactions), total: rupiah(e.transactions_total) })));
}

async function statement(share, box, button) {
  button.disabled = true;
  try {
    const { data: st } = await get(`/me/shu/${share.year}?cooperative_id=${share.cooperative.id}`);
    box.replaceChildren(h("h3", {}, t("shu_detail", { year: st.year })),
      h("dl", { class: "amounts" },
        row(t("shu_of_coop"), rupiah(st.shu_total)),
        row(t("shu_member_part"), rupiah(st.member_part)),
        row(t("shu_pools"), rupiah(st.members_line)),
        row(t("jasa_modal"), rupiah(st.jasa_modal)),
        row(t("jasa_usaha"), rupiah(st.jasa_usaha)),
        row(t("shu_mine"), rupiah(st.total), "sum")),
      h("p", { class: "muted" },
        t("my_savings", { amount: rupiah(st.savings), total: rupiah(st.savings_total) }), h("br"),
        t("my_transactions", { amount: rupiah(st.transactions), total: rupiah(st.transactions_total) })),
      h("h3", {}, t("shu_allocation")),
      h("dl", { class: "amounts" }, st.lines.map((l) => row(`${l.label} (${l.percent}%)`, rupiah(l.amount)))),
      st.resolution && h("p", { class: "muted" }, t("shu_resolution", { no: st.resolution })));
    button.remove();
  } catch (error) {
    box.replaceChildren(failure(error, () => statement(share, box, button)));
    button.disabled = false;
  }
}


export async function render(root, retry) {
  root.append(h("h1", {}, t("shu_title")));
  let estimates, shares;
  try {
    [estimates, shares] = await Promise.all([get("/me/shu/estimate"), get("/me/shu")]);
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  kept(root, [estimates, shares]);
  root.append(...estimates.data.map(estimate));
  root.append(h("section", { class: "card", "aria-labelledby": "shu-past" },
    h("h2", { id: "shu-past" }, t("shu_past")),
    shares.data.length === 0 ? h("p", {}, t("shu_past_none")) : shares.data.map((s) => {
      const box = h("div", { "aria-live": "polite" });
      const button = h("button", { type: "button", class: "secondary", onclick: () => statement(s, box, button) },
        t("shu_show", { year: s.year }));
      const paid = s.paid_on
        ? `${t("shu_paid", { date: day(s.paid_on) })} ${s.paid_channel === "cash" ? t("shu_paid_cash") : t("shu_paid_sukarela")}`
        : t("shu_unpaid");
      return h("div", { class: "year" }, h("dl", { class: "amounts" },
        row(`${s.year} · ${s.cooperative.name}`, rupiah(s.total), "sum")),
        h("p", { class: "muted" }, paid), button, box);
    })));
}
