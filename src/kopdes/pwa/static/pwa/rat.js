// RAT: the notice (date, place, agenda), the documents pack, recording one's attendance online,
// one vote on each open resolution (a second one gets the server's own message), the results
// once closed (GET /me/rat; POST /me/rat/{id}/attendance, /me/rat/resolutions/{id}/vote).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { t, addWords, current } from "./i18n.js";
import { post, newKey, download, why, kept } from "./send.js";

addWords({
  id: {
    rat_title: "RAT", rat_none: "Belum ada undangan rapat anggota.",
    rat_kind_rat: "Rapat Anggota Tahunan {year}", rat_kind_ralb: "Rapat Anggota Luar Biasa {year}",
    rat_status_announced: "Diumumkan", rat_status_held: "Sedang berlangsung", rat_status_closed: "Selesai",
    rat_when: "Waktu", rat_where: "Tempat", rat_online: "Bisa diikuti secara daring: {info}",
    rat_agenda: "Acara", rat_documents: "Dokumen rapat", rat_documents_none: "Belum ada dokumen.",
    rat_download: "Unduh {title}", rat_quorum: "Kehadiran {present} dari {members} anggota (kuorum {required})",
    rat_attend: "Catat kehadiran saya (daring)", rat_attending: "Kehadiran Anda sudah tercatat.",
    rat_resolutions: "Keputusan", rat_vote_yes: "Setuju", rat_vote_no: "Tidak setuju", rat_vote_abstain: "Abstain",
    rat_voted: "Suara Anda sudah tercatat.", rat_vote_first: "Catat kehadiran Anda dulu untuk memberikan suara.",
    rat_ballot_secret: "Pemungutan suara rahasia", rat_ballot_open: "Pemungutan suara terbuka",
    rat_adopted: "Diterima", rat_rejected: "Ditolak", rat_open: "Pemungutan suara dibuka",
    rat_counts: "Setuju {yes} · Tidak setuju {no} · Abstain {abstain}",
    rat_vote_on: "Suara untuk: {question}",
  },
  en: {
    rat_title: "RAT", rat_none: "No members' meeting announced yet.",
    rat_kind_rat: "Annual Members' Meeting {year}", rat_kind_ralb: "Extraordinary Members' Meeting {year}",
    rat_status_announced: "Announced", rat_status_held: "In session", rat_status_closed: "Closed",
    rat_when: "When", rat_where: "Where", rat_online: "Can be followed online: {info}",
    rat_agenda: "Agenda", rat_documents: "Meeting documents", rat_documents_none: "No documents yet.",
    rat_download: "Download {title}", rat_quorum: "{present} of {members} members present (quorum {required})",
    rat_attend: "Record my attendance (online)", rat_attending: "Your attendance is recorded.",
    rat_resolutions: "Resolutions", rat_vote_yes: "Agree", rat_vote_no: "Disagree", rat_vote_abstain: "Abstain",
    rat_voted: "Your vote is recorded.", rat_vote_first: "Record your attendance first to vote.",
    rat_ballot_secret: "Secret ballot", rat_ballot_open: "Open ballot",
    rat_adopted: "Adopted", rat_rejected: "Rejected", rat_open: "Voting is open",
    rat_counts: "Agree {yes} · Disagree {no} · Abstain {abstain}",
    rat_vote_on: "Vote on: {question}",
  },
});

const when = (iso) => new Date(iso).toLocaleString(current() === "en" ? "en-GB" : "id-ID", {
  weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
});

function resolution(m, r, retry) {
  const note = h("p", { class: "error", role: "alert" });
  const parts = [h("h4", {}, r.question),
    h("p", { class: "muted" }, t(r.ballot === "secret" ? "rat_ballot_secret" : "rat_ballot_open"))];
  if (r.status === "closed") {
    parts.push(h("p", { class: "result" }, h("strong", {}, t(r.outcome === "adopted" ? "rat_adopted" : "rat_rejected")),
      " · ", t("rat_counts", { yes: r.yes ?? 0, no: r.no ?? 0, abstain: r.abstain ?? 0 })));
  } else if (r.voted) {
    parts.push(h("p", { role: "status" }, t("rat_voted")));
  } else if (!m.attending) {
    parts.push(h("p", { class: "muted" }, t("rat_open")), h("p", {}, t("rat_vote_first")));
  } else {
    const buttons = ["yes", "no", "abstain"].map((choice) => h("button", {
      type: "button", class: choice === "yes" ? "" : "secondary",
      onclick: async () => {
        buttons.forEach((b) => { b.disabled = true; });
        note.textContent = "";
        try {
          await post(`/me/rat/resolutions/${r.id}/vote`, { choice }, newKey());
          retry();
        } catch (error) {
          note.textContent = why(error, t);
          buttons.forEach((b) => { b.disabled = false; });
        }
      } }, t(`rat_vote_${choice}`)));
    parts.push(h("div", { class: "votes", role: "group", "aria-label": t("rat_vote_on", { question: r.question }) }, buttons));
  }
  parts.push(note);
  return h("li", { class: "resolution" }, parts);
}

function meeting(m, retry) {
  const id = `rat-${m.id}`;
  const note = h("p", { class: "error", role: "alert" });
  const attend = h("button", { type: "button", id: `attend-${m.id}`, onclick: async () => {
    attend.disabled = true;
    note.textContent = "";
    try {
      await post(`/me/rat/${m.id}/attendance`, {});
      retry();
    } catch (error) {
      note.textContent = why(error, t);
      attend.disabled = false;
    }
  } }, t("rat_attend"));
  return h("section", { class: "card", "aria-labelledby": id },
    h("h2", { id }, t(`rat_kind_${m.kind}`, { year: m.fiscal_year })),
    h("p", { class: "muted" }, `${m.cooperative.name} · ${t(`rat_status_${m.status}`)}`),
    h("dl", { class: "amounts" },
      h("div", { class: "row" }, h("dt", {}, t("rat_when")), h("dd", { class: "wrap" }, when(m.scheduled_at))),
      h("div", { class: "row" }, h("dt", {}, t("rat_where")), h("dd", { class: "wrap" }, m.place))),
    m.online && m.join_info && h("p", {}, t("rat_online", { info: m.join_info })),
    h("h3", {}, t("rat_agenda")),
    h("ol", {}, m.agenda.map((a) => h("li", {}, a.title))),
    h("h3", {}, t("rat_documents")),
    m.documents.length === 0 ? h("p", {}, t("rat_documents_none")) : h("ul", { class: "plain" },
      m.documents.map((d) => {
        const failed = h("span", { class: "error", role: "alert" });
        return h("li", {}, h("button", { type: "button", class: "secondary", onclick: async () => {
          failed.textContent = "";
          try {
            await download(`/me/rat/${m.id}/documents/${d.id}`, d.title);
          } catch (error) {
            failed.textContent = why(error, t);
          }
        } }, t("rat_download", { title: d.title })), failed);
      })),
    h("p", { class: "muted" }, t("rat_quorum", m.quorum)),
    m.status !== "closed" && (m.attending ? h("p", { role: "status" }, t("rat_attending")) : attend),
    note,
    m.resolutions.length > 0 && [h("h3", {}, t("rat_resolutions")),
      h("ul", { class: "plain" }, m.resolutions.map((r) => resolution(m, r, retry)))]
  );
}


export async function render(root, retry) {
  root.append(h("h1", {}, t("rat_title")));
  let meetings;
  try {
    const answer = await get("/me/rat");
    kept(root, [answer]);
    meetings = answer.data;
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  if (!meetings.length) root.append(h("p", {}, t("rat_none")));
  root.append(...meetings.map((m) => meeting(m, retry)));
}
