// Getting an account (docs/adr/0031-member-accounts.md): activate the account of a member
// already in a cooperative's register (#/aktifkan: the code sent to the phone on record or the
// printed activation code, with NIK and date of birth), or register a new one (#/daftar: phone,
// code, name, password) and then ask to join the cooperative of one's desa/kelurahan
// (#/gabung: POST /members/requests, then the KTP photo). Then the PIN offer (#/pin).
import { h, go } from "./app.js";
import { get, post, keepToken, DEVICE_LABEL } from "./api.js";
import { t, addWords } from "./i18n.js";
import { field, onSubmit, alertBox, showError, statusBox, askCode } from "./form.js";

addWords({
  id: {
    activate_title: "Aktifkan akun", activate_intro: "Untuk anggota yang sudah terdaftar di koperasi. Pakai kode aktivasi yang dicetak koperasi, atau minta kode lewat pesan ke nomor HP yang tercatat di koperasi.",
    activation_code: "Kode aktivasi (dari koperasi)", activation_code_hint: "Kosongkan bila Anda memakai kode dari pesan.",
    ask_code: "Kirim kode ke HP saya", code: "Kode dari pesan", code_hint: "6 angka, berlaku 5 menit.",
    nik: "NIK (16 angka, sesuai KTP)", birth_date: "Tanggal lahir", new_password: "Kata sandi baru",
    password_hint: "Minimal 8 karakter, jangan mudah ditebak.", activate: "Aktifkan",
    register_title: "Daftar", register_intro: "Buat akun dengan nomor HP Anda. Setelah itu Anda dapat mengajukan diri menjadi anggota koperasi desa/kelurahan Anda.",
    send_code: "Kirim kode", full_name: "Nama lengkap (sesuai KTP)", register: "Buat akun",
    join_title: "Gabung koperasi", join_intro: "Ajukan diri menjadi anggota koperasi desa/kelurahan tempat Anda tinggal. Pengurus akan memeriksa dan menyetujui.",
    village: "Desa/kelurahan", village_hint: "Ketik minimal 3 huruf nama desa/kelurahan, lalu pilih.",
    village_pick: "Pilih desa/kelurahan", sex: "Jenis kelamin", female: "Perempuan", male: "Laki-laki",
    birth_place: "Tempat lahir", address: "Alamat (sesuai KTP)", ktp_photo: "Foto KTP",
    ktp_hint: "JPEG, PNG atau WebP, paling besar 2 MB.", join: "Kirim pengajuan",
    join_sent: "Pengajuan terkirim ke {coop}. Status: {status}. Anda akan dapat nomor anggota setelah disetujui.",
    join_later: "Nanti saja", back_login: "Kembali ke Masuk",
  },
  en: {
    activate_title: "Activate the account", activate_intro: "For members already in a cooperative's register. Use the activation code the cooperative printed, or ask for a code by message to the phone number the cooperative has on record.",
    activation_code: "Activation code (from the cooperative)", activation_code_hint: "Leave empty when you use the code from the message.",
    ask_code: "Send a code to my phone", code: "Code from the message", code_hint: "6 digits, valid 5 minutes.",
    nik: "NIK (16 digits, as on the KTP)", birth_date: "Date of birth", new_password: "New password",
    password_hint: "At least 8 characters, not easy to guess.", activate: "Activate",
    register_title: "Register", register_intro: "Create an account with your phone number. Then you can ask to join the cooperative of your desa/kelurahan.",
    send_code: "Send the code", full_name: "Full name (as on the KTP)", register: "Create the account",
    join_title: "Join the cooperative", join_intro: "Ask to become a member of the cooperative of the desa/kelurahan where you live. The officers check and approve.",
    village: "Desa/kelurahan", village_hint: "Type at least 3 letters of the name, then choose.",
    village_pick: "Choose the desa/kelurahan", sex: "Sex", female: "Female", male: "Male",
    birth_place: "Place of birth", address: "Address (as on the KTP)", ktp_photo: "KTP photo",
    ktp_hint: "JPEG, PNG or WebP, at most 2 MB.", join: "Send the request",
    join_sent: "Request sent to {coop}. Status: {status}. You get a member number once it is approved.",
    join_later: "Not now", back_login: "Back to sign in",
  },
});

const TEL = { type: "tel", inputmode: "tel", autocomplete: "tel", required: true };
const CODE = { inputmode: "numeric", autocomplete: "one-time-code", maxlength: 10 };
const NEW_PASSWORD = { type: "password", autocomplete: "new-password", required: true };

// After a new token: offer the PIN, then go on to `next`.
async function signedIn(token, next) {
  await keepToken(token);
  sessionStorage.setItem("kopdes.m.next", next);
  go("pin");
}

const back = () => h("p", {}, h("a", { href: "#/masuk", class: "link" }, t("back_login")));

export async function render(root) {
  const box = alertBox("activate-error");
  const sent = statusBox("activate-sent");
  const otp = field("otp", t("code"), CODE, t("code_hint"));
  otp.hidden = true;
  const ask = h("button", { type: "button", class: "secondary", id: "ask-code" }, t("ask_code"));
  const form = h("form", { class: "stack", novalidate: true },
    field("phone", t("phone"), TEL, t("phone_hint")),
    field("activation_code", t("activation_code"), { autocomplete: "off", maxlength: 20 }, t("activation_code_hint")),
    ask, sent, otp,
    field("nik", t("nik"), { inputmode: "numeric", maxlength: 16, required: true }),
    field("birth_date", t("birth_date"), { type: "date", required: true }),
    field("password", t("new_password"), NEW_PASSWORD, t("password_hint")),
    box,
    h("button", { type: "submit" }, t("activate")));
  ask.addEventListener("click", async () => {
    box.textContent = "";
    try {
      await askCode(form, { purpose: "activate", sent, rest: otp });
    } catch (error) {
      showError(form, box, error);
    }
  });
  onSubmit(form, box, async () => {
    const { data } = await post("/auth/activate", {
      phone: form.phone.value.trim(), otp: form.otp.value.trim(),
      activation_code: form.activation_code.value.trim(), nik: form.nik.value.trim(),
      birth_date: form.birth_date.value || null, password: form.password.value, device: DEVICE_LABEL,
    });
    await signedIn(data.token, "beranda");
  });
  root.append(h("h1", {}, t("activate_title")), h("p", {}, t("activate_intro")), form, back());
}

export async function register(root) {
  const box = alertBox("register-error");
  const sent = statusBox("register-sent");
  const rest = h("div", { class: "stack", hidden: true },
    field("otp", t("code"), CODE, t("code_hint")),
    field("full_name", t("full_name"), { autocomplete: "name", maxlength: 150, required: true }),
    field("password", t("new_password"), NEW_PASSWORD, t("password_hint")));
  const button = h("button", { type: "submit" }, t("send_code"));
  const form = h("form", { class: "stack", novalidate: true },
    field("phone", t("phone"), TEL, t("phone_hint")), sent, rest, box, button);
  onSubmit(form, box, async () => {
    if (rest.hidden) {
      await askCode(form, { purpose: "register", sent, rest, button, label: t("register") });
      return;
    }
    const { data } = await post("/auth/register", {
      phone: form.phone.value.trim(), otp: form.otp.value.trim(), full_name: form.full_name.value.trim(),
      password: form.password.value, device: DEVICE_LABEL,
    });
    sessionStorage.setItem("kopdes.m.name", form.full_name.value.trim());
    await signedIn(data.token, "gabung");
  });
  root.append(h("h1", {}, t("register_title")), h("p", {}, t("register_intro")), form, back());
}

export async function join(root) {
  const box = alertBox("join-error");
  const village = h("select", { id: "village_code", name: "village_code", required: true,
    "aria-describedby": "village_code-error" }, h("option", { value: "" }, t("village_pick")));
  const search = field("village_q", t("village"), { type: "search", autocomplete: "off", minlength: 3 }, t("village_hint"));
  let timer;
  search.querySelector("input").addEventListener("input", (event) => {
    clearTimeout(timer);
    const q = event.target.value.trim();
    if (q.length < 3) return;
    timer = setTimeout(async () => {
      try {
        const { data } = await get(`/regions/search?q=${encodeURIComponent(q)}`);
        village.replaceChildren(h("option", { value: "" }, t("village_pick")),
          ...data.map((v) => h("option", { value: v.code },
            `${v.name}, ${v.district_name}, ${v.regency_name}`)));
      } catch { /* typed offline: the list stays as it was */ }
    }, 300);
  });
  const sex = h("fieldset", {}, h("legend", {}, t("sex")),
    ["F", "M"].map((code) => h("label", { class: "choice" },
      h("input", { type: "radio", name: "sex", value: code, required: true }), t(code === "F" ? "female" : "male"))),
    h("small", { id: "sex-error", class: "error" }));
  const form = h("form", { class: "stack", novalidate: true },
    search,
    h("label", { for: "village_code" }, t("village_pick")), village, h("small", { id: "village_code-error", class: "error" }),
    field("full_name", t("full_name"), { autocomplete: "name", maxlength: 150, required: true,
      value: sessionStorage.getItem("kopdes.m.name") || "" }),
    field("nik", t("nik"), { inputmode: "numeric", maxlength: 16, required: true }),
    sex,
    field("birth_place", t("birth_place"), { maxlength: 100 }),
    field("birth_date", t("birth_date"), { type: "date", required: true }),
    field("address", t("address"), { tag: "textarea", maxlength: 300, required: true, rows: 3 }),
    field("ktp_photo", t("ktp_photo"), { type: "file", accept: "image/jpeg,image/png,image/webp" }, t("ktp_hint")),
    box,
    h("button", { type: "submit" }, t("join")));
  onSubmit(form, box, async () => {
    const { data } = await post("/members/requests", {
      village_code: village.value, full_name: form.full_name.value.trim(), nik: form.nik.value.trim(),
      sex: form.sex.value, birth_date: form.birth_date.value || null, birth_place: form.birth_place.value.trim(),
      address: form.address.value.trim(),
    });
    const photo = form.ktp_photo.files[0];
    if (photo) {
      const body = new FormData();
      body.append("ktp_photo", photo);
      await post(`/me/memberships/${data.id}/ktp-photo`, body);
    }
    sessionStorage.removeItem("kopdes.m.name");
    document.getElementById("view").replaceChildren(h("h1", {}, t("join_title")),
      h("p", { class: "notice", role: "status" }, t("join_sent", { coop: data.cooperative.name, status: data.status_label })),
      h("p", {}, h("a", { href: "#/beranda", class: "link" }, t("nav_home"))));
  });
  root.append(h("h1", {}, t("join_title")), h("p", {}, t("join_intro")), form,
    h("p", {}, h("a", { href: "#/beranda", class: "link" }, t("join_later"))));
}
