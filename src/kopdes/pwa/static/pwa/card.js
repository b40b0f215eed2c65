// Kartu anggota: the card and its QR code, made by the server (GET /me/card).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { t, day } from "./i18n.js";

export async function render(root, retry) {
  root.append(h("h1", {}, t("card_title")));
  let answer;
  try {
    answer = await get("/me/card");
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  if (answer.data.length === 0) root.append(h("p", { class: "notice" }, t("card_none")));
  for (const card of answer.data) {
    root.append(h("section", { class: "card member-card", "aria-label": card.cooperative.name },
      h("p", { class: "coop" }, card.cooperative.name),
      h("p", { class: "name" }, card.full_name),
      h("p", { class: "niak" }, t("member_no", { niak: card.niak })),
      card.joined_on && h("p", { class: "muted" }, t("joined", { date: day(card.joined_on) })),
      h("img", { class: "qr", src: card.qr_svg, alt: t("card_qr", { niak: card.niak }), width: 240, height: 240 }),
      h("p", { class: "muted" }, t("card_check"))));
  }
}
