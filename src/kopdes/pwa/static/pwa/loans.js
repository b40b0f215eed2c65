// Pinjaman: the member's loans and applications with their status and schedule (GET /me/loans,
// /me/loans/{id}), the products (GET /me/loan-products), a simulation by the server's own
// schedule engine and the product's rules (POST /me/loans/simulate: nothing is computed here)
// and an application (POST /me/loans/applications), with a guarantor or collateral when
// the product requires it. An active loan is paid by QRIS (POST /me/loans/{id}/qris through
// pay.js) with the amount the member chooses (the next installment's amount to start with; above
// zero, at most what closes the loan today: the server says so plainly otherwise); once paid,
// the loans again with the new outstanding. The office still takes cash and transfers.
import { h, failure } from "./app.js";
import { get, post } from "./api.js";
import { t, addWords, rupiah, day } from "./i18n.js";
import { freshness } from "./home.js";
import { field, onSubmit, alertBox, showError } from "./form.js";

addWords({
  id: {
    loans_title: "Pinjaman", n_months: "{n} bulan", my_loans: "Pinjaman saya", loans_none: "Belum ada pinjaman atau pengajuan.",
    st_applied: "Diajukan, menunggu keputusan pengurus", st_approved: "Disetujui, menunggu pencairan",
    st_rejected: "Ditolak", st_active: "Berjalan", st_paid: "Lunas", st_written_off: "Dihapusbukukan",
    show_schedule: "Lihat jadwal angsuran", schedule: "Jadwal angsuran", schedule_projected: "Perkiraan bila dicairkan hari ini.",
    col_no: "Ke", col_due: "Jatuh tempo", col_installment: "Angsuran", col_left: "Sisa pokok",
    paid_on: "lunas {date}",
    pay_amount: "Jumlah yang dibayar (Rp)", pay_amount_hint: "Angsuran berikutnya {amount}. Boleh lebih, paling banyak yang melunasi pinjaman hari ini.",
    pay_amount_invalid: "Masukkan jumlah Rupiah bulat di atas nol.", pay_loan: "Bayar dengan QRIS",
    apply_title: "Ajukan pinjaman", product: "Produk pinjaman", products_none: "Koperasi Anda belum menawarkan produk pinjaman.",
    m_flat: "flat", m_efektif: "efektif (menurun)", m_anuitas: "anuitas",
    product_terms: "Jasa {rate}% setahun ({method}), {min}–{max} bulan, paling banyak {max_amount}.",
    needs_guarantor: "Perlu penjamin.", needs_collateral: "Perlu agunan.",
    principal: "Jumlah pinjaman (Rp)", months: "Lama (bulan)", simulate: "Hitung angsuran",
    sim_result: "Angsuran pertama {first}, jumlah jasa {interest}, jumlah dibayar {total}.",
    sim_fees: "Saat pencairan: biaya administrasi {admin}, provisi {provisi}.",
    purpose: "Keperluan", guarantor: "Penjamin", guarantor_niak: "No. anggota penjamin (bila anggota)",
    guarantor_name: "Nama penjamin (bila bukan anggota)", guarantor_nik: "NIK penjamin (bila bukan anggota)",
    relationship: "Hubungan (mis. suami, istri, saudara)", collateral: "Agunan",
    collateral_kind: "Jenis agunan", c_bpkb: "BPKB kendaraan", c_sertifikat: "Sertifikat tanah", c_emas: "Emas",
    c_sk: "SK pegawai", c_lainnya: "Lainnya", collateral_description: "Keterangan agunan", collateral_value: "Perkiraan nilai (Rp)",
    apply: "Ajukan pinjaman", applied: "Pengajuan {number} terkirim. Pengurus akan memutuskan; statusnya tampil di sini.",
  },
  en: {
    loans_title: "Loans", n_months: "{n} months", my_loans: "My loans", loans_none: "No loans or applications yet.",
    st_applied: "Applied, waiting for the officers", st_approved: "Approved, waiting for disbursement",
    st_rejected: "Rejected", st_active: "Running", st_paid: "Paid off", st_written_off: "Written off",
    show_schedule: "Show the schedule", schedule: "Schedule", schedule_projected: "An estimate if disbursed today.",
    col_no: "No.", col_due: "Due", col_installment: "Installment", col_left: "Principal left",
    paid_on: "paid {date}",
    pay_amount: "Amount to pay (Rp)", pay_amount_hint: "The next installment is {amount}. You may pay more, at most what closes the loan today.",
    pay_amount_invalid: "Enter a whole number of rupiah above zero.", pay_loan: "Pay by QRIS",
    apply_title: "Apply for a loan", product: "Loan product", products_none: "Your cooperative offers no loan product yet.",
    m_flat: "flat", m_efektif: "effective (declining)", m_anuitas: "annuity",
    product_terms: "Interest {rate}% a year ({method}), {min}–{max} months, at most {max_amount}.",
    needs_guarantor: "Needs a guarantor.", needs_collateral: "Needs collateral.",
    principal: "Amount (Rp)", months: "Term (months)", simulate: "Compute the installments",
    sim_result: "First installment {first}, total interest {interest}, total to pay {total}.",
    sim_fees: "At disbursement: administration fee {admin}, provisi {provisi}.",
    purpose: "Purpose", guarantor: "Guarantor", guarantor_niak: "Guarantor's member no. (if a member)",
    guarantor_name: "Guarantor's name (if not a member)", guarantor_nik: "Guarantor's NIK (if not a member)",
    relationship: "Relationship (e.g. husband, wife, sibling)", collateral: "Collateral",
    collateral_kind: "Kind of collateral", c_bpkb: "Vehicle BPKB", c_sertifikat: "Land certificate", c_emas: "Gold",
    c_sk: "Employment decree (SK)", c_lainnya: "Other", collateral_description: "Collateral description", collateral_value: "Estimated value (Rp)",
    apply: "Apply", applied: "Application {number} sent. The officers will decide; its status shows here.",
  },
});

const money = (text) => Number(String(text).replace(/\D/g, ""));

function table(rows) {
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": t("schedule") }, h("table", { class: "table" },
    h("thead", {}, h("tr", {}, ["col_no", "col_due", "col_installment", "col_left"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, rows.map((r) => h("tr", {},
      h("td", {}, String(r.number)),
      h("td", {}, day(r.due_date), r.paid_on ? h("small", { class: "ok" }, t("paid_on", { date: day(r.paid_on) })) : ""),
      h("td", {}, rupiah(r.installment)),
      h("td", {}, rupiah(r.outstanding)))))));
}

// The QRIS screen is loaded only when the member pays; once paid, the loans again. A refusal
// naming the amount (loans.invalid_amount, loans.overpayment) is shown beside the field too.
async function pay(box, loan, amount, retry, form) {
  const { payByQris } = await import("./pay.js");
  const refused = await payByQris(box, `/me/loans/${loan.id}/qris`, { amount }, (message) => {
    sessionStorage.setItem("kopdes.m.loan_paid", message);
    retry();
  });
  if (refused?.fields?.amount && form) {
    const input = form.querySelector("input");
    input.setAttribute("aria-invalid", "true");
    form.querySelector(".error").textContent = [].concat(refused.fields.amount).join(" ");
    input.focus();
  }
}

// The amount to pay on an active loan: the next installment's to start with, any other above zero.
function payForm(box, loan, next, retry) {
  const id = `pay-amount-${loan.number}`.replace(/[^A-Za-z0-9-]/g, "-");
  const input = h("input", { id, name: "amount", type: "text", inputmode: "numeric", required: true,
    value: String(next.amount), "aria-describedby": `${id}-hint ${id}-error` });
  const error = h("small", { id: `${id}-error`, class: "error" });
  const form = h("form", { class: "stack pay-loan", novalidate: true },
    h("label", { for: id }, t("pay_amount")), input,
    h("small", { id: `${id}-hint`, class: "muted" }, t("pay_amount_hint", { amount: rupiah(next.amount) })),
    error,
    h("button", { type: "submit" }, t("pay_loan")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    input.removeAttribute("aria-invalid");
    error.textContent = "";
    const amount = money(input.value);
    if (!/\d/.test(input.value) || !(amount > 0)) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = t("pay_amount_invalid");
      input.focus();
      return;
    }
    pay(box, loan, amount, retry, form);
  });
  return form;
}

function loanItem(loan, box, retry) {
  const slot = h("div", {});
  const show = h("button", { type: "button", class: "secondary", "aria-expanded": "false" }, t("show_schedule"));
  show.addEventListener("click", async () => {
    if (show.getAttribute("aria-expanded") === "true") {
      slot.replaceChildren();
      show.setAttribute("aria-expanded", "false");
      return;
    }
    try {
      const { data } = await get(`/me/loans/${loan.id}`);
      slot.replaceChildren(h("h3", {}, t("schedule")),
        data.projected && h("p", { class: "muted" }, t("schedule_projected")), table(data.schedule));
      show.setAttribute("aria-expanded", "true");
    } catch (error) {
      slot.replaceChildren(failure(error, () => show.click()));
    }
  });
  const next = loan.next_installment;
  return h("li", { class: "loan" },
    h("span", {}, `${loan.product} · ${loan.number}`),
    h("strong", {}, rupiah(loan.principal)),
    h("small", { class: "muted" }, `${t(`st_${loan.status}`)} · ${t("n_months", { n: loan.months })}`),
    loan.status === "active" && h("small", {}, `${t("outstanding")}: ${rupiah(loan.outstanding)}`,
      next ? ` · ${t("installment_n", { n: next.number, date: day(next.due_date) })}: ${rupiah(next.amount)}` : ""),
    loan.status === "active" && next && payForm(box, loan, next, retry),
    show, slot);
}

function applyForm(products, retry) {
  const box = alertBox("apply-error");
  const result = h("div", { id: "sim-result", role: "status" });
  const select = h("select", { id: "product_id", name: "product_id", "aria-describedby": "product-terms" },
    products.map((p) => h("option", { value: p.id }, p.name)));
  const terms = h("p", { id: "product-terms", class: "muted" });
  const guarantor = h("fieldset", {}, h("legend", {}, t("guarantor")),
    field("guarantor_niak", t("guarantor_niak"), { inputmode: "numeric", maxlength: 9 }),
    field("guarantor_name", t("guarantor_name"), { maxlength: 200 }),
    field("guarantor_nik", t("guarantor_nik"), { inputmode: "numeric", maxlength: 16 }),
    field("relationship", t("relationship"), { maxlength: 100 }));
  const collateral = h("fieldset", {}, h("legend", {}, t("collateral")),
    h("label", { for: "collateral_kind" }, t("collateral_kind")),
    h("select", { id: "collateral_kind", name: "collateral_kind" },
      ["bpkb", "sertifikat", "emas", "sk", "lainnya"].map((k) => h("option", { value: k }, t(`c_${k}`)))),
    field("collateral_description", t("collateral_description"), { maxlength: 300 }),
    field("collateral_value", t("collateral_value"), { inputmode: "numeric" }));
  const product = () => products.find((p) => p.id === select.value);
  const describe = () => {
    const p = product();
    terms.textContent = [t("product_terms", { rate: Number(p.annual_rate), method: t(`m_${p.method}`), min: p.tenor_min,
      max: p.tenor_max, max_amount: rupiah(p.max_amount) }),
    p.requires_guarantor ? t("needs_guarantor") : "", p.requires_collateral ? t("needs_collateral") : ""].join(" ").trim();
    guarantor.hidden = !p.requires_guarantor;
    collateral.hidden = !p.requires_collateral;
    result.replaceChildren();
  };
  select.addEventListener("change", describe);
  const simulateButton = h("button", { type: "button", class: "secondary", id: "simulate" }, t("simulate"));
  const form = h("form", { class: "stack", novalidate: true },
    h("label", { for: "product_id" }, t("product")), select, terms,
    field("principal", t("principal"), { inputmode: "numeric", required: true }),
    field("months", t("months"), { inputmode: "numeric", required: true }),
    simulateButton, result,
    field("purpose", t("purpose"), { maxlength: 300, required: true }),
    guarantor, collateral, box,
    h("button", { type: "submit" }, t("apply")));
  simulateButton.addEventListener("click", async () => {
    const p = product();
    box.textContent = "";
    try {
      const { data } = await post("/me/loans/simulate", { product_id: p.id,
        principal: money(form.principal.value), months: money(form.months.value) });
      result.replaceChildren(
        h("p", {}, t("sim_result", { first: rupiah(data.rows[0].installment),
          interest: rupiah(data.total_interest), total: rupiah(data.total_installments) })),
        h("p", { class: "muted" }, t("sim_fees", { admin: rupiah(data.admin_fee), provisi: rupiah(data.provisi) })),
        table(data.rows));
    } catch (error) {
      showError(form, box, error);
    }
  });
  onSubmit(form, box, async () => {
    const p = product();
    const g = form.guarantor_niak.value.trim() || form.guarantor_name.value.trim();
    const { data } = await post("/me/loans/applications", {
      cooperative_id: p.cooperative_id, product_id: p.id, principal: money(form.principal.value),
      months: money(form.months.value), purpose: form.purpose.value.trim(),
      guarantors: p.requires_guarantor && g ? [{ niak: form.guarantor_niak.value.trim(),
        name: form.guarantor_name.value.trim(), nik: form.guarantor_nik.value.trim(),
        relationship: form.relationship.value.trim() }] : [],
      collaterals: p.requires_collateral ? [{ kind: form.collateral_kind.value,
        description: form.collateral_description.value.trim(), estimated_value: money(form.collateral_value.value) }] : [],
    }, { "Idempotency-Key": `m-${Date.now()}-${Math.random().toString(36).slice(2, 10)}` });
    sessionStorage.setItem("kopdes.m.applied", t("applied", { number: data.number }));
    retry();
  });
  describe();
  return form;
}

export async function render(root, retry) {
  root.append(h("h1", {}, t("loans_title")));
  let loans, products;
  try {
    [loans, products] = await Promise.all([get("/me/loans"), get("/me/loan-products")]);
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  const offline = loans.offline || products.offline;
  freshness(root, { offline }, (offline && loans.saved) || new Date().toISOString());
  const applied = sessionStorage.getItem("kopdes.m.applied");
  sessionStorage.removeItem("kopdes.m.applied");
  if (applied) root.append(h("p", { class: "notice ok", role: "status", id: "applied" }, applied));
  const paid = sessionStorage.getItem("kopdes.m.loan_paid");
  sessionStorage.removeItem("kopdes.m.loan_paid");
  if (paid) root.append(h("p", { class: "notice ok", role: "status", id: "paid" }, paid));
  const box = h("div", { id: "pay-box", hidden: true });
  root.append(h("section", { class: "card", "aria-labelledby": "my-loans" },
    h("h2", { id: "my-loans" }, t("my_loans")),
    loans.data.length === 0 ? h("p", {}, t("loans_none"))
      : h("ul", { class: "list" }, loans.data.map((loan) => loanItem(loan, box, retry)))), box);
  root.append(h("section", { class: "card", "aria-labelledby": "apply" },
    h("h2", { id: "apply" }, t("apply_title")),
    products.data.length === 0 ? h("p", {}, t("products_none")) : applyForm(products.data, retry)));
}
