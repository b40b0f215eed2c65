// Transparansi: the cooperative's published report and documents (AD/ART, RAT results), the use
// of its CSR funds by business line, and "Verifikasi transaksi saya": one of the member's own
// savings transactions checked in this browser against the signed (and cosigned) checkpoint with
// the public verifier's own code (static/web/verifier.js, shared with /transparansi/.../verifikasi/).
// GET /me/transparency, /me/documents, /me/savings/transactions, /ledger/entries/{id}/proof.
import { h, failure } from "./app.js";
import { get, ApiError, Offline } from "./api.js";
import { t, addWords, rupiah, day } from "./i18n.js";
import { download, why, kept } from "./send.js";
import { verifyEntryProof, VerifyError } from "../web/verifier.js";

// For browsers whose Web Crypto lacks Ed25519: the vendored library, fetched only then.
const NOBLE = new URL("../vendor/noble-ed25519/index.js", import.meta.url).href;

addWords({
  id: {
    tr_title: "Transparansi", tr_report: "Laporan koperasi",
    tr_report_link: "Buka laporan yang diterbitkan", tr_verify_link: "Halaman verifikasi untuk umum",
    tr_documents: "Dokumen koperasi", tr_documents_none: "Belum ada dokumen yang diterbitkan.",
    tr_download: "Unduh {title}", tr_funds: "Penggunaan dana CSR", tr_funds_none: "Koperasi belum menerima dana CSR.",
    tr_received: "Diterima", tr_spent: "Digunakan", tr_balance: "Sisa", tr_by_line: "Digunakan untuk",
    tr_mine: "Verifikasi transaksi saya",
    tr_mine_intro: "Pilih salah satu transaksi simpanan Anda. HP Anda memeriksa sendiri bahwa transaksi itu tercatat di buku besar koperasi yang ditandatangani, tanpa harus percaya pada server.",
    tr_pick: "Transaksi", tr_verify: "Verifikasi", tr_checking: "Memeriksa…", tr_txn_none: "Belum ada transaksi simpanan.",
    tr_ok: "Terverifikasi: transaksi ini tercatat di buku besar yang ditandatangani pada {date}.",
    tr_ok_entry: "Entri jurnal nomor {number} dari {size}.",
    tr_witnessed: "Ditandatangani juga oleh saksi: {names}.",
    tr_failed: "GAGAL: {what}",
    tr_pending: "Transaksi ini belum masuk buku besar yang ditandatangani (ditandatangani setiap hari). Coba lagi besok.",
    v_unsigned: "checkpoint tidak ditandatangani dengan kunci koperasi",
    v_bad_signature: "tanda tangan checkpoint tidak sah",
    v_bad_origin: "checkpoint ini milik buku besar lain",
    v_listing: "ukuran buku besar tidak sesuai dengan checkpoint",
    v_bad_cosignature: "tanda tangan saksi {name} tidak sah",
    v_receipt_missing: "transaksi ini tidak ada di buku besar yang ditandatangani",
    v_no_crypto: "browser ini tidak dapat memeriksa tanda tangan",
  },
  en: {
    tr_title: "Transparency", tr_report: "The cooperative's report",
    tr_report_link: "Open the published report", tr_verify_link: "Public verification page",
    tr_documents: "Cooperative documents", tr_documents_none: "No documents published yet.",
    tr_download: "Download {title}", tr_funds: "Use of CSR funds", tr_funds_none: "The cooperative has received no CSR funds.",
    tr_received: "Received", tr_spent: "Used", tr_balance: "Left", tr_by_line: "Used for",
    tr_mine: "Verify my transaction",
    tr_mine_intro: "Pick one of your savings transactions. Your phone checks by itself that it is in the cooperative's signed ledger, without trusting the server.",
    tr_pick: "Transaction", tr_verify: "Verify", tr_checking: "Checking…", tr_txn_none: "No savings transactions yet.",
    tr_ok: "Verified: this transaction is in the ledger signed on {date}.",
    tr_ok_entry: "Journal entry number {number} of {size}.",
    tr_witnessed: "Also signed by the witnesses: {names}.",
    tr_failed: "FAILED: {what}",
    tr_pending: "This transaction is not yet in the signed ledger (it is signed daily). Try again tomorrow.",
    v_unsigned: "the checkpoint is not signed with the cooperative's key",
    v_bad_signature: "the checkpoint's signature is not valid",
    v_bad_origin: "this checkpoint belongs to another ledger",
    v_listing: "the ledger's size does not match the checkpoint",
    v_bad_cosignature: "the signature of witness {name} is not valid",
    v_receipt_missing: "this transaction is not in the signed ledger",
    v_no_crypto: "this browser cannot check signatures",
  },
});

const row = (label, value, cls = "") => h("div", { class: `row ${cls}` }, h("dt", {}, label), h("dd", {}, value));

function show(box, ok, lines) {
  box.className = `verify-result ${ok === true ? "verify-ok" : ok === false ? "verify-failed" : ""}`;
  box.replaceChildren(...lines.map((line) => h("p", {}, line)));
}

async function verify(txn, coop, box, button) {
  button.disabled = true;
  show(box, null, [t("tr_checking")]);
  try {
    const { data: proof } = await get(`/ledger/entries/${txn.entry_id}/proof`);
    const witnesses = coop.witnesses.map((w) => w.verifier_key);
    const result = await verifyEntryProof(proof, coop.verifier_key, witnesses, NOBLE);
    const lines = [t("tr_ok", { date: day(result.date) }),
      t("tr_ok_entry", { number: proof.number, size: result.size })];
    if (result.cosigned.length) lines.push(t("tr_witnessed", { names: result.cosigned.join(", ") }));
    show(box, true, lines);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) show(box, null, [t("tr_pending")]);
    else if (error instanceof VerifyError) show(box, false, [t("tr_failed", { what: t(`v_${error.key}`, error.values) })]);
    else if (error instanceof Offline) show(box, null, [t("need_online")]);
    else show(box, false, [t("tr_failed", { what: why(error, t) })]);
  } finally {
    button.disabled = false;
  }
}

function mine(txns, coops) {
  const box = h("div", { id: "verify-mine", class: "verify-result", role: "status", "aria-live": "polite" });
  if (!txns.length) return h("p", {}, t("tr_txn_none"));
  const select = h("select", { id: "verify-txn" }, txns.map((x, i) => h("option", { value: String(i) },
    `${day(x.date)} · ${x.type_label} · ${rupiah(x.amount)} · ${x.savings_label}`)));
  const button = h("button", { type: "button", id: "verify-go", onclick: () => {
    const txn = txns[Number(select.value)];
    const coop = coops.find((c) => c.cooperative.id === txn.cooperative_id) || coops[0];
    verify(txn, coop, box, button);
  } }, t("tr_verify"));
  return [h("label", { for: "verify-txn" }, t("tr_pick")), select, button, box];
}

function cooperative(c) {
  const id = `tr-${c.cooperative.id}`;
  const use = c.fund_use;
  return h("section", { class: "card", "aria-labelledby": id },
    h("h2", { id }, c.cooperative.name),
    h("h3", {}, t("tr_report")),
    h("ul", { class: "plain" },
      h("li", {}, h("a", { href: c.report_url }, t("tr_report_link"))),
      h("li", {}, h("a", { href: c.verify_url }, t("tr_verify_link")))),
    h("h3", {}, t("tr_funds")),
    use.funds === 0 ? h("p", {}, t("tr_funds_none")) : [
      h("dl", { class: "amounts" },
        row(t("tr_received"), rupiah(use.received)), row(t("tr_spent"), rupiah(use.spent)),
        row(t("tr_balance"), rupiah(use.balance), "sum")),
      use.by_line.length > 0 && h("h4", {}, t("tr_by_line")),
      h("dl", { class: "amounts", id: "fund-lines" }, use.by_line.map((l) => row(l.label, rupiah(l.amount))))]);
}


export async function render(root, retry) {
  root.append(h("h1", {}, t("tr_title")));
  let coops, documents, txns;
  try {
    [coops, documents, txns] = await Promise.all([
      get("/me/transparency"), get("/me/documents?limit=50"), get("/me/savings/transactions?limit=30"),
    ]);
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  kept(root, [coops, documents, txns]);
  root.append(h("section", { class: "card", "aria-labelledby": "tr-mine" },
    h("h2", { id: "tr-mine" }, t("tr_mine")), h("p", { class: "muted" }, t("tr_mine_intro")),
    mine(txns.data.items, coops.data)));
  root.append(...coops.data.map(cooperative));
  root.append(h("section", { class: "card", "aria-labelledby": "tr-docs" },
    h("h2", { id: "tr-docs" }, t("tr_documents")),
    documents.data.items.length === 0 ? h("p", {}, t("tr_documents_none")) : h("ul", { class: "plain" },
      documents.data.items.map((d) => {
        const failed = h("span", { class: "error", role: "alert" });
        return h("li", {}, h("p", {}, `${d.kind_label}${d.fiscal_year ? ` · ${d.fiscal_year}` : ""}`),
          h("button", { type: "button", class: "secondary", onclick: async () => {
            failed.textContent = "";
            try {
              await download(`/me/documents/${d.id}`, d.title);
            } catch (error) {
              failed.textContent = why(error, t);
            }
          } }, t("tr_download", { title: d.title })), failed);
      }))));
}
