"""The point of sale (kasir) at a gerai: the kasir page that works offline, its JSON endpoints
(catalogue, device registration, member lookup, the sync of the offline queue, the service
worker), the 58 mm receipt with its WhatsApp text, cash shifts, the devices with their receipt
gaps and the sync rejections, and the sales of a day.

The kasir page is progressive: without JavaScript it is a plain form (one sale per submit,
through `handle_form` and `sale_record`); with `static/web/pos.js` the sales are rung up in the
browser, queued in IndexedDB and synced to `commerce_pos_sync`, which calls `sales_sync` as
`POST /api/v1/pos/sync` does (docs/adr/0022-pos-offline-queue.md)."""

import json
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.commerce import pos_selectors, receipts, services
from kopdes.commerce.models import CashShift, PosDevice, Product, Sale, SyncRejection
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import clock
from kopdes.core.errors import DomainError
from kopdes.core.masking import mask_phone
from kopdes.core.money import format_rupiah, terbilang
from kopdes.members import selectors as member_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import handle_form
from kopdes.web.receipts import ledger_receipt, qr_svg
from kopdes.web.views.savings import RupiahInput

GERAI = "app/<uuid:cooperative_id>/gerai/"
KASIR = GERAI + "<str:unit_code>/kasir/"
SYNC_MAX = 500  # sales in one sync request (the page sends at most 200)


def _outlet(cooperative: Cooperative, unit_code: str) -> BusinessUnit:
    unit = pos_selectors.outlet(cooperative=cooperative, code=unit_code)
    if unit is None:
        raise Http404
    return unit


# -- the kasir page -------------------------------------------------------------------------------


ITEM_LINE = re.compile(r"^(?P<code>.+?)(?:\s*[x\u00d7*]\s*(?P<qty>\d{1,6}))?$", re.IGNORECASE)


def parse_items(text: str) -> list[tuple[str, int]]:
    """The plain form's items: one per line, a barcode, SKU or name, optionally `x <quantity>`
    (`8991234567895`, `BRS-5 x 2`); a scanner typing a barcode and Enter adds a line. The same
    code twice adds up. Raises ValueError with the line that cannot be read."""
    items: dict[str, int] = {}
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        match = ITEM_LINE.match(line)
        if match is None:
            raise ValueError(line)
        quantity = int(match.group("qty") or 1)
        if quantity < 1:
            raise ValueError(line)
        code = match.group("code").strip()
        items[code] = items.get(code, 0) + quantity
    return list(items.items())


PAYMENTS = [
    ("cash", gettext_lazy("Cash")),
    ("qris", gettext_lazy("QRIS")),
    ("member_credit", gettext_lazy("Member credit (simpanan sukarela)")),
]


class SaleForm(forms.Form):
    """One sale without JavaScript: the items (scanned or typed, one per line), the member (for
    member prices), how it is paid and the cash tendered."""

    items = forms.CharField(
        label=gettext_lazy("Items: barcode, SKU or name, one per line (add x 2 for two)"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        max_length=5000,
    )
    member = forms.CharField(
        label=gettext_lazy("Member: NIAK, phone or card (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    payment = forms.ChoiceField(label=gettext_lazy("Payment"), choices=PAYMENTS, initial="cash")
    tendered = RupiahInput(
        label=gettext_lazy("Cash tendered (Rp, empty: the exact amount)"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, unit: BusinessUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.unit = unit
        self.fields["tendered"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})

    def clean(self):
        super().clean()
        data = self.cleaned_data
        text = data.get("items")
        if text:
            try:
                wanted = parse_items(text)
            except ValueError as error:
                self.add_error("items", _("Cannot read this line: %(line)s") % {"line": error})
                wanted = []
            lines: list[tuple[Product, int]] = []
            for code, quantity in wanted:
                found = pos_selectors.pos_product(cooperative=self.cooperative, query=code)
                if found is None:
                    self.add_error(
                        "items", _("No single product matches %(code)s.") % {"code": code}
                    )
                else:
                    lines.append((found, quantity))
            data["lines"] = lines
        typed = (data.get("member") or "").strip()
        data["member_obj"] = None
        if typed:
            member = member_selectors.member_find(cooperative=self.cooperative, q=typed)
            if member is None:
                self.add_error("member", _("No member with this number, phone or card."))
            data["member_obj"] = member
        return data


def _texts() -> dict[str, str]:
    """The words pos.js shows, in the person's language (the script has no catalogue)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: sales are kept on this device"),
        "waiting": _("%(count)s sales waiting to be sent"),
        "signed_out": _("Signed out: log in again to send the sales"),
        "server_error": _("The server did not answer as expected"),
        "sync_failed": _("Sending failed; trying again soon"),
        "register_needed": _("Connect once to register this device"),
        "catalogue_needed": _("Connect once to load the catalogue"),
        "not_found": _("Nothing matches %(query)s"),
        "quantity": _("Quantity"),
        "amount": _("Amount"),
        "less": _("One less"),
        "more": _("One more"),
        "remove": _("Remove"),
        "no_member": _("No member (non-member prices)"),
        "member_offline": _("Finding a member needs a connection"),
        "member_not_found": _("No member found"),
        "empty_cart": _("Scan or pick an item first"),
        "tendered_short": _("The cash tendered is less than the total"),
        "needs_online": _("QRIS and member credit need a connection"),
        "receipt_queued": _("Kept on this device; sent when online"),
        "receipt_synced": _("Received by the cooperative"),
        "receipt_rejected": _("Not accepted:"),
    }


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos(request, cooperative: Cooperative, unit_code: str):
    """The kasir page of one outlet (needs the kasir's open shift there)."""
    unit = _outlet(cooperative, unit_code)
    shift = pos_selectors.open_shift(unit=unit, user=request.user)
    form = SaleForm(
        request.POST or None,
        cooperative=cooperative,
        unit=unit,
        initial={"payment": "cash", "idempotency_key": uuid.uuid4().hex},
    )
    base = reverse("web:commerce_pos", args=[cooperative.public_id, unit.code])

    def page(status: int):
        return render(
            request,
            "web/commerce/pos.html",
            {
                "cooperative": cooperative,
                "unit": unit,
                "shift": shift,
                "form": form,
                "texts": _texts(),
                "base": base,
                "payments": PAYMENTS,
            },
            status=status,
        )

    if shift is None:
        if request.method == "POST":
            form.add_error(None, _("Open your shift at this outlet first."))
            return page(400)
        return page(200)

    def save(data):
        return services.sale_record(
            actor=request.user,
            unit=unit,
            lines=data["lines"],
            payment=data["payment"],
            member=data["member_obj"],
            tendered=data["tendered"] if data["payment"] == "cash" else None,
            idempotency_key=data["idempotency_key"],
        )

    return handle_form(
        request,
        form,
        save=save,
        success=lambda sale: redirect(
            "web:commerce_sale_receipt", cooperative.public_id, sale.public_id
        ),
        page=page,
        message=lambda sale: _("Sale %(number)s recorded.") % {"number": sale.number},
    )


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos_catalogue(request, cooperative: Cooperative, unit_code: str):
    """The outlet's active products with both prices and what is available (JSON, pos.js keeps
    it in IndexedDB)."""
    unit = _outlet(cooperative, unit_code)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return JsonResponse(
        {
            "unit": {"code": unit.code, "name": unit.name},
            "generated_at": clock.now().isoformat(),
            "products": pos_selectors.pos_catalogue(unit=unit),
        }
    )


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise _BadRequest(_("The request is not a JSON object."))
    return body


class _BadRequest(Exception):
    pass


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": str(message), "details": {}, "fields": {}}},
        status=status,
    )


def _domain_error(error: DomainError) -> JsonResponse:
    """A service's refusal in the API's error shape."""
    fields = getattr(error, "fields", None) or {}
    body = {**error.as_dict(), "fields": {k: [str(m) for m in v] for k, v in fields.items()}}
    return JsonResponse({"error": body}, status=error.status)


def number_prefix(unit: BusinessUnit, device: PosDevice) -> str:
    """What a device's receipt numbers start with: the browser appends `-<sequence>`."""
    return receipts.device_receipt_number(unit.code, device.public_id, 0).rsplit("-", 1)[0]


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos_device(request, cooperative: Cooperative, unit_code: str):
    """Register the browser's device id at the outlet (JSON {device, label}); answers the
    receipt-number prefix and the last sequence the server holds."""
    unit = _outlet(cooperative, unit_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        body = _json_body(request)
        device = services.device_register(
            actor=request.user,
            unit=unit,
            public_id=str(body.get("device") or ""),
            label=str(body.get("label") or "")[:100],
        )
    except _BadRequest as error:
        return _error("request.invalid", str(error), 400)
    except DomainError as error:
        return _domain_error(error)
    return JsonResponse(
        {
            "device": str(device.public_id),
            "number_prefix": number_prefix(unit, device),
            "last_sequence": device.last_sequence,
        }
    )


def sync_results_json(cooperative: Cooperative, results: list[Any]) -> list[dict]:
    """`sales_sync`'s results as the page answers them: each result's fields and the URL of
    the receipt of a sale the server holds."""
    out = []
    for result in results:
        row = result.as_dict()
        row["receipt_url"] = (
            reverse("web:commerce_sale_receipt", args=[cooperative.public_id, row["sale_id"]])
            if row.get("sale_id")
            else ""
        )
        out.append(row)
    return out


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos_sync(request, cooperative: Cooperative, unit_code: str):
    """The offline queue of the kasir page (session + CSRF): {device, sales: [...]} -> one
    result per sale, as `POST /api/v1/pos/sync`."""
    unit = _outlet(cooperative, unit_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        body = _json_body(request)
        sales = body.get("sales")
        if not isinstance(sales, list) or len(sales) > SYNC_MAX:
            raise _BadRequest(_("Send a list of at most %(max)s sales.") % {"max": SYNC_MAX})
        device = pos_selectors.device(
            cooperative=cooperative, unit=unit, public_id=body.get("device")
        )
        if device is None:
            return _error(
                "commerce.device_not_found", _("This device is not registered here."), 404
            )
        results = services.sales_sync(actor=request.user, device=device, sales=sales)
    except _BadRequest as error:
        return _error("request.invalid", str(error), 400)
    except DomainError as error:
        return _domain_error(error)
    return JsonResponse({"results": sync_results_json(cooperative, results)})


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos_member(request, cooperative: Cooperative, unit_code: str):
    """The member a card's QR payload, NIAK or phone names (JSON): name and NIAK only, never the
    NIK, and the phone masked."""
    _outlet(cooperative, unit_code)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    q = (request.GET.get("q") or "").strip()[:200]
    member = member_selectors.member_find(cooperative=cooperative, q=q) if q else None
    if member is None or member.status != "active":
        return JsonResponse({"member": None, "message": _("No active member found.")})
    return JsonResponse(
        {
            "member": {
                "id": str(member.public_id),
                "niak": member.niak,
                "name": member.full_name,
                "phone": mask_phone(member.phone) if member.phone else "",
            }
        }
    )


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos_sw(request, cooperative: Cooperative, unit_code: str):
    """The service worker, from the kasir page's own path so that its scope is that page."""
    _outlet(cooperative, unit_code)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    found = finders.find("web/pos-sw.js")
    source = Path(str(found)).read_text() if found else ""
    if not found and settings.STATIC_ROOT:
        source = (Path(settings.STATIC_ROOT) / "web" / "pos-sw.js").read_text()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# -- the receipt ----------------------------------------------------------------------------------


def sale_receipt_text(*, cooperative: str, sale: Sale, lines: list[dict], member: str) -> str:
    """The receipt as plain text for WhatsApp, in Indonesian (it is handed to the buyer)."""
    moment = timezone.localtime(sale.sold_at)
    out = [
        cooperative,
        f"{sale.unit.name}",
        f"Struk {sale.number}",
        f"Tanggal: {moment:%d-%m-%Y %H:%M}",
    ]
    if member:
        out.append(f"Anggota: {member}")
    for line in lines:
        out.append(f"{line['name']} {line['quantity']} x {format_rupiah(line['unit_price'])}")
        out.append(f"  {format_rupiah(line['amount'])}")
    out.append(f"Total: {format_rupiah(sale.total)}")
    out.append(f"Terbilang: {terbilang(sale.total)}")
    out.append(f"Bayar: {PAYMENT_WORDS.get(sale.payment, sale.payment)}")
    if sale.payment == "cash" and sale.tendered is not None:
        out.append(f"Tunai: {format_rupiah(sale.tendered)}")
        out.append(f"Kembali: {format_rupiah(sale.change or 0)}")
    out.append(f"Kode struk: {sale.receipt_hash}")
    return "\n".join(out)


PAYMENT_WORDS = {"cash": "Tunai", "qris": "QRIS", "member_credit": "Potong simpanan sukarela"}


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_sale_receipt(request, cooperative: Cooperative, sale_id):
    """A sale's receipt: 58 mm when printed, terbilang, the short hash, WhatsApp text; a QRIS
    sale waiting for its payment shows the QR code and polls until it is paid."""
    sale = found_or_404(pos_selectors.sale, cooperative=cooperative, public_id=sale_id)
    lines = pos_selectors.sale_lines(sale)
    member = sale.member
    member_text = f"{member.full_name} ({member.niak})" if member is not None else ""
    text = sale_receipt_text(
        cooperative=cooperative.name, sale=sale, lines=lines, member=member_text
    )
    ledger = ledger_receipt(request, sale.entry) if sale.entry is not None else None
    if ledger is not None:
        text += f"\nPeriksa di buku besar: {ledger.url}"
    whatsapp = ""
    if member is not None and member.phone:
        whatsapp = f"https://wa.me/{member.phone.lstrip('+')}?text={quote(text)}"
    qris = pos_selectors.qris_payload(sale) if sale.status == "pending_payment" else None
    again = ""
    if Capability.HANDLE_CASH in request.capabilities:
        again = reverse("web:commerce_pos", args=[cooperative.public_id, sale.unit.code])
    return render(
        request,
        "web/commerce/pos_receipt.html",
        {
            "cooperative": cooperative,
            "sale": sale,
            "lines": lines,
            "member_text": member_text,
            "text": text,
            "whatsapp": whatsapp,
            "again_url": again,
            "qris": qris,
            "ledger": ledger,
            "qris_svg": qr_svg(qris, scale=4) if qris else "",
            "status_url": reverse(
                "web:commerce_sale_status", args=[cooperative.public_id, sale.public_id]
            ),
        },
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_sale_status(request, cooperative: Cooperative, sale_id):
    """A sale's status (JSON), polled by the receipt page while a QRIS payment is pending."""
    sale = found_or_404(pos_selectors.sale, cooperative=cooperative, public_id=sale_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return JsonResponse({"status": sale.status, "number": sale.number})


# -- the outlets' kasir hub ---------------------------------------------------------------------


@cooperative_page(Capability.HANDLE_CASH)
def commerce_pos_units(request, cooperative: Cooperative):
    """The outlets where the person may sell, with their open shift (or the way to open one)."""
    rows = pos_selectors.outlets_for_kasir(cooperative=cooperative, user=request.user)
    return render(
        request, "web/commerce/pos_units.html", {"cooperative": cooperative, "rows": rows}
    )


# -- shifts ---------------------------------------------------------------------------------------


class ShiftOpenForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Outlet"), choices=[])
    opening_float = RupiahInput(label=gettext_lazy("Opening float (Rp)"), required=False)

    def __init__(self, *args, units: list[BusinessUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(u.code, u.name) for u in units]
        self.fields["opening_float"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})
        self.fields["opening_float"].help_text = _("The cash in the drawer; empty for none.")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["unit_obj"] = self.units.get(data.get("unit") or "")
        return data


@cooperative_page(Capability.VIEW_COMMERCE, write=Capability.HANDLE_CASH)
def commerce_shifts(request, cooperative: Cooperative):
    """The shifts (open ones first, then the latest closed), and opening one's own."""
    units = pos_selectors.outlets(cooperative=cooperative)
    initial: dict[str, Any] = {}
    asked = request.GET.get("unit")
    if asked in {u.code for u in units}:
        initial["unit"] = asked
    form = ShiftOpenForm(request.POST or None, units=units, initial=initial)

    def page(status: int):
        return render(
            request,
            "web/commerce/shifts.html",
            {
                "cooperative": cooperative,
                "form": form,
                "shifts": pos_selectors.shifts(cooperative=cooperative),
                "can_open": Capability.HANDLE_CASH in request.capabilities and bool(units),
            },
            status=status,
        )

    return handle_form(
        request,
        form,
        save=lambda data: services.shift_open(
            actor=request.user,
            unit=data["unit_obj"],
            opening_float=data["opening_float"] or 0,
        ),
        success=lambda shift: redirect("web:commerce_pos", cooperative.public_id, shift.unit.code),
        page=page,
        message=_("Shift opened."),
    )


class ShiftCloseForm(forms.Form):
    counted_cash = RupiahInput(label=gettext_lazy("Cash counted in the drawer (Rp)"))
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counted_cash"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})


@cooperative_page(Capability.VIEW_COMMERCE, write=Capability.HANDLE_CASH)
def commerce_shift(request, cooperative: Cooperative, shift_id):
    """A shift's report (float, cash sales, refunds, expected, counted, difference and its
    journal entry, the sales), and closing it with the count."""
    shift = found_or_404(pos_selectors.shift, cooperative=cooperative, public_id=shift_id)
    form = ShiftCloseForm(request.POST or None)

    def page(status: int):
        report = pos_selectors.shift_report(shift)
        return render(
            request,
            "web/commerce/shift.html",
            {
                "cooperative": cooperative,
                "shift": shift,
                "report": report,
                "form": form,
                "can_close": shift.status == CashShift.Status.OPEN
                and Capability.HANDLE_CASH in request.capabilities
                and (
                    shift.kasir_id == request.user.pk
                    or Capability.APPROVE_STOCK in request.capabilities
                ),
            },
            status=status,
        )

    def success(closed: CashShift):
        return redirect("web:commerce_shift", cooperative.public_id, closed.public_id)

    return handle_form(
        request,
        form,
        save=lambda data: services.shift_close(
            actor=request.user,
            shift=shift,
            counted_cash=data["counted_cash"],
            note=data["note"],
        ),
        success=success,
        page=page,
        message=lambda closed: (
            _("Shift closed; difference %(difference)s.")
            % {"difference": format_rupiah(closed.difference or 0)}
        ),
    )


# -- devices, gaps and sync rejections ------------------------------------------------------------


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_devices(request, cooperative: Cooperative):
    """The point-of-sale devices per outlet with the receipt numbers the server has not received
    (gaps), and the offline sales it could not accept, to resolve with a note."""
    return render(
        request,
        "web/commerce/devices.html",
        {
            "cooperative": cooperative,
            "devices": pos_selectors.devices_with_gaps(cooperative=cooperative),
            "rejections": pos_selectors.rejections(cooperative=cooperative),
        },
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was done about it"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_sync_rejection(request, cooperative: Cooperative, rejection_id):
    """One sync rejection: the sale as the device sent it, the server's reason, and resolving it
    with a note (the sale itself stays as the device sent it: re-ring it at the kasir if it
    must be booked)."""
    rejection = found_or_404(
        pos_selectors.rejection, cooperative=cooperative, public_id=rejection_id
    )
    form = ResolveForm(request.POST or None)

    def page(status: int):
        return render(
            request,
            "web/commerce/device_rejection.html",
            {
                "cooperative": cooperative,
                "rejection": rejection,
                "sale": pos_selectors.rejection_view(rejection),
                "form": form,
                "open": rejection.status == SyncRejection.Status.OPEN,
            },
            status=status,
        )

    return handle_form(
        request,
        form,
        save=lambda data: services.sync_rejection_resolve(
            actor=request.user, rejection=rejection, note=data["note"]
        ),
        success=reverse("web:commerce_devices", args=[cooperative.public_id]),
        page=page,
        message=_("Marked as resolved."),
    )


# -- sales of a day -------------------------------------------------------------------------------


class SalesFilter(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Outlet"), choices=[], required=False)
    on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, units: list[BusinessUnit], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [
            ("", _("All outlets")),
            *((u.code, u.name) for u in units),
        ]


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_sales(request, cooperative: Cooperative):
    """The sales of one day (today by default), per outlet, with links to their receipts."""
    units = pos_selectors.outlets(cooperative=cooperative)
    today = clock.today()
    form = SalesFilter(request.GET or None, units=units, initial={"on": today})
    on: date = today
    unit = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or today
        unit = next((u for u in units if u.code == form.cleaned_data["unit"]), None)
    sales = pos_selectors.sales_of_day(cooperative=cooperative, on=on, unit=unit)
    return render(
        request,
        "web/commerce/sales.html",
        {
            "cooperative": cooperative,
            "form": form,
            "on": on,
            "unit": unit,
            "sales": sales,
            "totals": pos_selectors.sales_totals(sales),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


urlpatterns = [
    path(GERAI + "kasir/", commerce_pos_units, name="commerce_pos_units"),
    path(KASIR, commerce_pos, name="commerce_pos"),
    path(KASIR + "katalog.json", commerce_pos_catalogue, name="commerce_pos_catalogue"),
    path(KASIR + "perangkat", commerce_pos_device, name="commerce_pos_device"),
    path(KASIR + "sync", commerce_pos_sync, name="commerce_pos_sync"),
    path(KASIR + "anggota", commerce_pos_member, name="commerce_pos_member"),
    path(KASIR + "sw.js", commerce_pos_sw, name="commerce_pos_sw"),
    path(GERAI + "kuitansi/<uuid:sale_id>/", commerce_sale_receipt, name="commerce_sale_receipt"),
    path(
        GERAI + "kuitansi/<uuid:sale_id>/status.json",
        commerce_sale_status,
        name="commerce_sale_status",
    ),
    path(GERAI + "shift/", commerce_shifts, name="commerce_shifts"),
    path(GERAI + "shift/<uuid:shift_id>/", commerce_shift, name="commerce_shift"),
    path(GERAI + "perangkat/", commerce_devices, name="commerce_devices"),
    path(
        GERAI + "perangkat/penolakan/<uuid:rejection_id>/",
        commerce_sync_rejection,
        name="commerce_sync_rejection",
    ),
    path(GERAI + "penjualan/", commerce_sales, name="commerce_sales"),
]
