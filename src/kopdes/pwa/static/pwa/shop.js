// Belanja: the cooperative's outlets, the catalogue at member prices with what is available
// (search by name), an order for pickup, the member's orders and purchases
// (GET /me/shop/outlets, /me/shop/catalogue, /me/shop/orders, /me/purchases; POST /me/shop/orders).
import { h, failure } from "./app.js";
import { get } from "./api.js";
import { t, addWords, rupiah, day, moment } from "./i18n.js";
import { post, newKey, why, kept } from "./send.js";

addWords({
  id: {
    shop_title: "Belanja", outlet: "Gerai", outlet_none: "Koperasi Anda belum membuka gerai.",
    search: "Cari barang", search_go: "Cari", catalogue: "Daftar barang", catalogue_none: "Tidak ada barang yang cocok.",
    member_price: "Harga anggota {price} / {unit}", available: "Tersedia {n} {unit}", sold_out: "Habis",
    qty_of: "Jumlah {name}", order_total: "Jumlah pesanan {total}", order_place: "Pesan untuk diambil",
    order_sending: "Mengirim pesanan…", order_empty: "Isi jumlah barang yang ingin dipesan.",
    order_done: "Pesanan {number} diterima. Ambil di {outlet} paling lambat {date}.",
    orders: "Pesanan saya", orders_none: "Belum ada pesanan.", pickup_by: "Ambil paling lambat {date}",
    purchases: "Riwayat belanja", purchases_none: "Belum ada belanja.", this_year: "Belanja tahun {year}",
    receipt_no: "Struk {receipt}",
  },
  en: {
    shop_title: "Shop", outlet: "Outlet", outlet_none: "Your cooperative has no outlet yet.",
    search: "Search items", search_go: "Search", catalogue: "Items", catalogue_none: "No matching items.",
    member_price: "Member price {price} / {unit}", available: "{n} {unit} available", sold_out: "Sold out",
    qty_of: "Quantity of {name}", order_total: "Order total {total}", order_place: "Order for pickup",
    order_sending: "Sending the order…", order_empty: "Enter the quantity of the items you want.",
    order_done: "Order {number} received. Collect it at {outlet} by {date}.",
    orders: "My orders", orders_none: "No orders yet.", pickup_by: "Collect by {date}",
    purchases: "Purchases", purchases_none: "No purchases yet.", this_year: "Bought in {year}",
    receipt_no: "Receipt {receipt}",
  },
});

const label = (o) => (o.name === o.kind_label ? o.name : `${o.name} · ${o.kind_label}`);

let chosen = "";  // the outlet's "<cooperative id>|<code>", kept while the app is open
let query = "";
let done = "";


export async function render(root, retry) {
  root.append(h("h1", {}, t("shop_title")));
  let outlets;
  try {
    outlets = (await get("/me/shop/outlets")).data;
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  if (!outlets.length) {
    root.append(h("p", { class: "notice" }, t("outlet_none")));
    return;
  }
  const keyOf = (o) => `${o.cooperative.id}|${o.code}`;
  const outlet = outlets.find((o) => keyOf(o) === chosen) || outlets[0];
  chosen = keyOf(outlet);
  const params = new URLSearchParams({ unit: outlet.code, cooperative_id: outlet.cooperative.id, q: query, limit: "50" });
  let catalogue, orders, purchases;
  try {
    [catalogue, orders, purchases] = await Promise.all([
      get(`/me/shop/catalogue?${params}`), get("/me/shop/orders?limit=10"), get("/me/purchases?limit=10"),
    ]);
  } catch (error) {
    root.append(failure(error, retry));
    return;
  }
  kept(root, [catalogue, orders, purchases]);
  if (done) root.append(h("p", { class: "notice", role: "status", id: "order-done" }, done));
  done = "";
  if (outlets.length > 1) {
    root.append(h("label", { for: "outlet" }, t("outlet")),
      h("select", { id: "outlet", onchange: (e) => { chosen = e.target.value; retry(); } },
        outlets.map((o) => h("option", { value: keyOf(o), selected: keyOf(o) === chosen },
          label(o)))));
  } else {
    root.append(h("p", { class: "muted" }, label(outlet)));
  }
  const search = h("input", { type: "search", id: "shop-q", name: "q", value: query, autocomplete: "off" });
  root.append(h("form", { role: "search", class: "search", onsubmit: (e) => {
    e.preventDefault(); query = search.value.trim(); retry();
  } }, h("label", { for: "shop-q" }, t("search")), h("div", { class: "inline" }, search,
    h("button", { type: "submit" }, t("search_go")))));

  const quantities = new Map();
  const total = h("p", { id: "order-total", class: "due", "aria-live": "polite" });
  const message = h("p", { id: "order-error", class: "error", role: "alert" });
  const items = catalogue.data.items;
  const recount = () => {
    let sum = 0;
    for (const p of items) sum += (quantities.get(p.id) || 0) * p.member_price;
    total.textContent = t("order_total", { total: rupiah(sum) });
  };
  const button = h("button", { type: "submit", id: "order-place" }, t("order_place"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "catalogue", onsubmit: async (e) => {
    e.preventDefault();
    const lines = [...quantities].filter(([, q]) => q > 0).map(([product_id, quantity]) => ({ product_id, quantity }));
    if (!lines.length) { message.textContent = t("order_empty"); return; }
    button.disabled = true;
    button.textContent = t("order_sending");
    message.textContent = "";
    try {
      const order = await post("/me/shop/orders",
        { unit: outlet.code, cooperative_id: outlet.cooperative.id, lines }, newKey());
      done = t("order_done", { number: order.number, outlet: order.outlet.name, date: day(order.pickup_by) });
      retry();
    } catch (error) {
      message.textContent = why(error, t);
      button.disabled = false;
      button.textContent = t("order_place");
    }
  } },
    h("h2", { id: "catalogue" }, t("catalogue")),
    items.length === 0 ? h("p", {}, t("catalogue_none")) : h("ul", { class: "list products" }, items.map((p) => {
      const id = `qty-${p.id}`;
      return h("li", {},
        h("span", {}, h("strong", {}, p.name), h("br"),
          h("small", {}, t("member_price", { price: rupiah(p.member_price), unit: p.unit }))),
        h("input", { type: "number", id, inputmode: "numeric", min: "0", max: String(p.available), value: "0",
          disabled: p.available <= 0, "aria-label": t("qty_of", { name: p.name }),
          oninput: (e) => { quantities.set(p.id, Math.max(0, parseInt(e.target.value, 10) || 0)); recount(); } }),
        h("small", { class: p.available > 0 ? "muted" : "out" },
          p.available > 0 ? t("available", { n: p.available, unit: p.unit }) : t("sold_out")));
    })),
    total, message, button);
  root.append(form);
  recount();

  root.append(h("section", { class: "card", "aria-labelledby": "orders" },
    h("h2", { id: "orders" }, t("orders")),
    orders.data.items.length === 0 ? h("p", {}, t("orders_none")) : h("ul", { class: "list" },
      orders.data.items.map((o) => h("li", {},
        h("span", {}, `${o.number} · ${o.outlet.name}`), h("strong", {}, rupiah(o.total)),
        h("small", { class: "muted" }, `${o.status_label} · ${t("pickup_by", { date: day(o.pickup_by) })} · `,
          o.lines.map((l) => `${l.quantity} × ${l.name}`).join(", ")))))));

  root.append(h("section", { class: "card", "aria-labelledby": "purchases" },
    h("h2", { id: "purchases" }, t("purchases")),
    purchases.data.per_unit.map((u) => h("p", { class: "muted" },
      `${t("this_year", { year: purchases.data.year })} · ${u.name}: ${rupiah(u.amount)}`)),
    purchases.data.items.length === 0 ? h("p", {}, t("purchases_none")) : h("ul", { class: "list" },
      purchases.data.items.map((s) => h("li", {},
        h("span", {}, `${moment(s.sold_at)} · ${s.outlet.name}`), h("strong", {}, rupiah(s.total)),
        h("small", { class: "muted" }, `${t("receipt_no", { receipt: s.receipt })} · `,
          s.lines.map((l) => `${l.quantity} × ${l.name}`).join(", ")))))));
}
