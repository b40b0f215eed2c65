"""Gerai pages, the stock side: purchase orders, goods receipts, the stock position and a
product's stock card, transfers between units, stock opname (the count sheet, the recount of
differing lines by a second person, the approval by a third with APPROVE_STOCK) and write-offs,
and the reconciliation of the stock sub-ledger with persediaan. Every movement is dated the
cooperative's business date by the services, so no form asks for a date. Each view parses,
authorises (tenant first, `cooperative_page`), calls one commerce service or read, and renders."""

import uuid
from typing import Any

from django import forms
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.commerce import lists, selectors, services
from kopdes.commerce.models import (
    GoodsReceipt,
    Product,
    PurchaseOrder,
    StockCount,
    StockWriteOff,
    Supplier,
)
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import ActionForm, form_status, handle_form
from kopdes.web.forms import AsciiIntegerField, date_input
from kopdes.web.views.commerce_catalogue import GERAI, QUANTITY_MAX
from kopdes.web.views.savings import RupiahInput

LINE_ROWS = 6  # rows of a lines form (purchase order, receipt, transfer); blank rows are ignored
# GoodsReceipt.Payment, in the words of the person who pays
PAYMENTS = [
    ("cash", gettext_lazy("Cash from the unit's till")),
    ("bank", gettext_lazy("Bank transfer")),
    ("credit", gettext_lazy("On credit (owed to the supplier)")),
]


# --- shared pieces ------------------------------------------------------------------------------


def _unit_field(cooperative, label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=lists.stock_units(cooperative),
        to_field_name="public_id",
    )


class LineForm(forms.Form):
    """One line: a product and a whole quantity of its selling unit (blank rows are skipped)."""

    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        required=False,
        queryset=Product.objects.none(),
        to_field_name="public_id",
        empty_label="—",
    )
    quantity = AsciiIntegerField(
        label=gettext_lazy("Quantity"),
        required=False,
        min_value=1,
        max_value=QUANTITY_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = lists.active_products(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField

    blank = True  # set by clean(): a row left empty (or an order's line that did not arrive)

    def _extra_filled(self) -> bool:
        """Whether a field other than product and quantity was typed in."""
        return False

    def clean(self):
        super().clean()
        data = self.cleaned_data
        product, quantity = data.get("product"), data.get("quantity")
        prefilled = bool(self.initial.get("product"))  # an order's line, offered to receive
        untouched = not self._extra_filled() and "quantity" not in self.errors
        if not quantity and (prefilled or not product) and untouched:
            self.blank = True
            return data
        self.blank = False
        if not product and "product" not in self.errors:
            self.add_error("product", _("Choose the product."))
        if not quantity and "quantity" not in self.errors:
            self.add_error("quantity", _("Give the quantity."))
        return data


class CostLineForm(LineForm):
    unit_cost = RupiahInput(label=gettext_lazy("Cost per unit (Rp)"), required=False)

    def _extra_filled(self) -> bool:
        return bool(self.cleaned_data.get("unit_cost")) or "unit_cost" in self.errors

    def clean(self):
        data = super().clean()
        if self.blank or data.get("unit_cost") or "unit_cost" in self.errors:
            return data
        fallback = self.initial.get("order_cost")  # the order's price when none is typed
        if fallback:
            data["unit_cost"] = fallback
        else:
            self.add_error("unit_cost", _("Give the cost per unit."))
        return data


class ReceiptLineForm(CostLineForm):
    expiry_date = forms.DateField(
        label=gettext_lazy("Expiry date (medicines)"), required=False, widget=date_input()
    )

    def _extra_filled(self) -> bool:
        return super()._extra_filled() or bool(self.cleaned_data.get("expiry_date"))

    def clean(self):
        data = super().clean()
        product = data.get("product")
        if self.blank or product is None or not product.tracks_expiry:
            return data
        if not data.get("expiry_date") and "expiry_date" not in self.errors:
            self.add_error("expiry_date", _("This product needs its expiry date."))
        return data


def _documents(request, cooperative: Cooperative, template: str, **rows: Any):
    """A list of the gerai's documents (orders, receipts, transfers) with the links to new ones
    for those who manage stock."""
    return render(
        request,
        f"web/commerce/{template}.html",
        {
            "cooperative": cooperative,
            **rows,
            "can_manage": Capability.MANAGE_STOCK in request.capabilities,
        },
    )


def _lines(form_class, request, cooperative, *, initial: list[dict] | None = None):
    """The rows of a lines form: LINE_ROWS (or the order's lines), bound on POST."""
    initial = initial or []
    count = max(LINE_ROWS, len(initial))
    data = request.POST if request.method == "POST" else None
    return [
        form_class(
            data,
            prefix=f"line-{n}",
            cooperative=cooperative,
            initial=initial[n] if n < len(initial) else None,
        )
        for n in range(count)
    ]


def _filled(lines) -> tuple[bool, list[dict]]:
    """Whether every row is valid, and the cleaned data of the non-blank rows."""
    valid = all([line.is_valid() for line in lines])
    return valid, [line.cleaned_data for line in lines if line.is_valid() and not line.blank]


def _need_one(form: forms.Form, valid: bool, filled: list) -> bool:
    if valid and not filled:
        form.add_error(None, _("Fill in at least one line."))
        return False
    return valid


# --- purchase orders ----------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_purchase_orders(request, cooperative: Cooperative):
    return _documents(
        request, cooperative, "purchase_orders", orders=lists.purchase_orders(cooperative)
    )


class PurchaseOrderForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=gettext_lazy("Supplier"), queryset=Supplier.objects.none(), to_field_name="public_id"
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Delivered to"),
        queryset=BusinessUnit.objects.none(),
        to_field_name="public_id",
    )
    expected_on = forms.DateField(
        label=gettext_lazy("Expected on (optional)"), required=False, widget=date_input()
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = lists.suppliers(cooperative, active_only=True)  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["unit"].queryset = lists.stock_units(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_purchase_order_new(request, cooperative: Cooperative):
    form = PurchaseOrderForm(request.POST or None, cooperative=cooperative)
    lines = _lines(CostLineForm, request, cooperative)
    valid, filled = True, list[dict]()
    if request.method == "POST":
        form_ok = form.is_valid()
        valid, filled = _filled(lines)
        valid = _need_one(form, valid and form_ok, filled) and valid
    return handle_form(
        request,
        form,
        valid=valid,
        save=lambda data: services.purchase_order_create(
            actor=request.user,
            supplier=data["supplier"],
            unit=data["unit"],
            expected_on=data["expected_on"],
            note=data["note"],
            lines=[(ln["product"], ln["quantity"], ln["unit_cost"]) for ln in filled],
        ),
        message=lambda order: _("Purchase order %(number)s drafted.") % {"number": order.number},
        success=lambda order: redirect(
            "web:commerce_purchase_order", cooperative.public_id, order.public_id
        ),
        page=lambda status: render(
            request,
            "web/commerce/purchase_order_form.html",
            {"cooperative": cooperative, "form": form, "lines": lines},
            status=status,
        ),
    )


def _order_page(request, cooperative, order: PurchaseOrder, *, status=200, **forms_) -> Any:
    caps = request.capabilities
    open_ = order.status in (PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.PARTLY_RECEIVED)
    return render(
        request,
        "web/commerce/purchase_order.html",
        {
            "cooperative": cooperative,
            "order": order,
            "lines": lists.purchase_order_lines(order),
            "receipts": lists.receipts_of_order(order),
            "can_submit": Capability.MANAGE_STOCK in caps
            and order.status == PurchaseOrder.Status.DRAFT,
            "can_cancel": Capability.MANAGE_STOCK in caps
            and order.status in (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.ORDERED),
            "can_receive": Capability.MANAGE_STOCK in caps and open_,
            "submit_form": forms_.get("submit_form") or ActionForm(),
            "cancel_form": forms_.get("cancel_form") or ActionForm(),
        },
        status=status,
    )


def _order(cooperative, order_id) -> PurchaseOrder:
    return found_or_404(lists.purchase_order, cooperative=cooperative, public_id=order_id)


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_purchase_order(request, cooperative: Cooperative, purchase_order_id):
    order = _order(cooperative, purchase_order_id)
    return _order_page(request, cooperative, order)


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_purchase_order_submit(request, cooperative: Cooperative, purchase_order_id):
    """Send a drafted order to the supplier (the page is the order, with its button)."""
    order = _order(cooperative, purchase_order_id)
    form = ActionForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form,
        save=lambda data: services.purchase_order_submit(actor=request.user, order=order),
        message=_("Purchase order %(number)s sent to the supplier.") % {"number": order.number},
        success=reverse(
            "web:commerce_purchase_order", args=[cooperative.public_id, order.public_id]
        ),
        page=lambda status: _order_page(
            request, cooperative, order, status=status, submit_form=form
        ),
    )


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_purchase_order_cancel(request, cooperative: Cooperative, purchase_order_id):
    """Cancel an order nothing was received on yet."""
    order = _order(cooperative, purchase_order_id)
    form = ActionForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form,
        save=lambda data: services.purchase_order_cancel(actor=request.user, order=order),
        message=_("Purchase order %(number)s cancelled.") % {"number": order.number},
        success=reverse(
            "web:commerce_purchase_order", args=[cooperative.public_id, order.public_id]
        ),
        page=lambda status: _order_page(
            request, cooperative, order, status=status, cancel_form=form
        ),
    )


# --- goods receipts -----------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_receipts(request, cooperative: Cooperative):
    return _documents(request, cooperative, "receipts", receipts=lists.receipts(cooperative))


class ReceiptForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=gettext_lazy("Supplier"), queryset=Supplier.objects.none(), to_field_name="public_id"
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Received at"),
        queryset=BusinessUnit.objects.none(),
        to_field_name="public_id",
    )
    payment = forms.ChoiceField(label=gettext_lazy("Paid by"), choices=PAYMENTS)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, order: PurchaseOrder | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = lists.suppliers(cooperative, active_only=order is None)  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["unit"].queryset = lists.stock_units(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField
        if order is not None:  # the order says who delivers and where
            del self.fields["supplier"]
            del self.fields["unit"]


def _receive(request, cooperative: Cooperative, order: PurchaseOrder | None):
    initial: dict[str, Any] = {"payment": "credit", "idempotency_key": uuid.uuid4().hex}
    form = ReceiptForm(request.POST or None, initial=initial, cooperative=cooperative, order=order)
    line_initial = None
    if order is not None:
        line_initial = [
            {"product": line.product.public_id, "order_cost": line.unit_cost}
            for line in lists.purchase_order_lines(order)
            if line.quantity > line.received_quantity
        ]
    lines = _lines(ReceiptLineForm, request, cooperative, initial=line_initial)
    valid, filled = True, list[dict]()
    if request.method == "POST":
        form_ok = form.is_valid()
        valid, filled = _filled(lines)
        valid = _need_one(form, valid and form_ok, filled) and valid

    def save(data: dict) -> GoodsReceipt:
        return services.goods_receive(
            actor=request.user,
            unit=order.unit if order is not None else data["unit"],
            supplier=order.supplier if order is not None else data["supplier"],
            order=order,
            payment=data["payment"],
            lines=[
                (ln["product"], ln["quantity"], ln["unit_cost"], ln["expiry_date"]) for ln in filled
            ],
            idempotency_key=data["idempotency_key"],
        )

    return handle_form(
        request,
        form,
        valid=valid,
        save=save,
        message=lambda receipt: (
            _("Goods receipt %(number)s recorded and posted as %(entry)s.")
            % {"number": receipt.number, "entry": str(receipt.entry)}
        ),
        success=lambda receipt: redirect(
            "web:commerce_receipt", cooperative.public_id, receipt.public_id
        ),
        page=lambda status: render(
            request,
            "web/commerce/receipt_form.html",
            {
                "cooperative": cooperative,
                "form": form,
                "lines": lines,
                "order": order,
                "order_lines": lists.purchase_order_lines(order) if order is not None else [],
            },
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_receipt_new(request, cooperative: Cooperative):
    """A direct purchase (no order): supplier, unit, lines, payment."""
    return _receive(request, cooperative, None)


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_purchase_order_receive(request, cooperative: Cooperative, purchase_order_id):
    """Goods arriving for an order: the order's open lines, each with what arrived."""
    return _receive(request, cooperative, _order(cooperative, purchase_order_id))


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_receipt(request, cooperative: Cooperative, goods_receipt_id):
    receipt = found_or_404(lists.receipt, cooperative=cooperative, public_id=goods_receipt_id)
    return render(
        request,
        "web/commerce/receipt.html",
        {
            "cooperative": cooperative,
            "receipt": receipt,
            "lines": lists.receipt_lines(receipt),
            "can_books": Capability.VIEW_BOOKS in request.capabilities,
        },
    )


# --- stock position and stock card --------------------------------------------------------------


class UnitFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        required=False,
        queryset=BusinessUnit.objects.none(),
        to_field_name="public_id",
        empty_label=gettext_lazy("All units"),
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = lists.stock_units(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField


def _unit_filter(request, cooperative) -> tuple[UnitFilterForm, BusinessUnit | None]:
    form = UnitFilterForm(request.GET or None, cooperative=cooperative)
    unit = form.cleaned_data["unit"] if form.is_bound and form.is_valid() else None
    return form, unit


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_stock(request, cooperative: Cooperative):
    """What each unit holds: quantity, reserved, average cost, value; low stock flagged."""
    form, unit = _unit_filter(request, cooperative)
    rows = selectors.stock_position(cooperative, unit=unit)
    return render(
        request,
        "web/commerce/stock.html",
        {
            "cooperative": cooperative,
            "form": form,
            "unit": unit,
            "rows": rows,
            "total": sum(r.value for r in rows),
            "low": sum(1 for r in rows if r.below_reorder_point),
        },
        status=form_status(form),
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_stock_card(request, cooperative: Cooperative, item_id):
    """A product's stock card: every movement, newest last, with the running quantity and value
    per unit."""
    product = found_or_404(lists.product, cooperative=cooperative, public_id=item_id)
    form, unit = _unit_filter(request, cooperative)
    return render(
        request,
        "web/commerce/stock_card.html",
        {
            "cooperative": cooperative,
            "product": product,
            "form": form,
            "unit": unit,
            "movements": lists.stock_card(product, unit=unit),
            "levels": [
                row
                for row in selectors.stock_position(cooperative, unit=unit)
                if row.product.pk == product.pk
            ],
        },
        status=form_status(form),
    )


# --- transfers ----------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_transfers(request, cooperative: Cooperative):
    return _documents(request, cooperative, "transfers", transfers=lists.transfers(cooperative))


class TransferForm(forms.Form):
    from_unit = forms.ModelChoiceField(
        label=gettext_lazy("From"), queryset=BusinessUnit.objects.none(), to_field_name="public_id"
    )
    to_unit = forms.ModelChoiceField(
        label=gettext_lazy("To"), queryset=BusinessUnit.objects.none(), to_field_name="public_id"
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_unit", "to_unit"):
            self.fields[name].queryset = lists.stock_units(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("from_unit") and data.get("from_unit") == data.get("to_unit"):
            self.add_error("to_unit", _("Choose another unit than the one the goods leave."))
        return data


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_transfer_new(request, cooperative: Cooperative):
    form = TransferForm(request.POST or None, cooperative=cooperative)
    lines = _lines(LineForm, request, cooperative)
    valid, filled = True, list[dict]()
    if request.method == "POST":
        form_ok = form.is_valid()
        valid, filled = _filled(lines)
        valid = _need_one(form, valid and form_ok, filled) and valid
    return handle_form(
        request,
        form,
        valid=valid,
        save=lambda data: services.stock_transfer(
            actor=request.user,
            from_unit=data["from_unit"],
            to_unit=data["to_unit"],
            lines=[(ln["product"], ln["quantity"]) for ln in filled],
            note=data["note"],
        ),
        message=lambda transfer: _("Transfer %(number)s recorded.") % {"number": transfer.number},
        success=lambda transfer: redirect(
            "web:commerce_transfer", cooperative.public_id, transfer.public_id
        ),
        page=lambda status: render(
            request,
            "web/commerce/transfer_form.html",
            {"cooperative": cooperative, "form": form, "lines": lines},
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_transfer(request, cooperative: Cooperative, transfer_id):
    transfer = found_or_404(lists.transfer, cooperative=cooperative, public_id=transfer_id)
    return render(
        request,
        "web/commerce/transfer.html",
        {
            "cooperative": cooperative,
            "transfer": transfer,
            "lines": lists.transfer_lines(transfer),
            "can_books": Capability.VIEW_BOOKS in request.capabilities,
        },
    )


# --- opname -------------------------------------------------------------------------------------


class CountStartForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit to count"),
        queryset=BusinessUnit.objects.none(),
        to_field_name="public_id",
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = lists.stock_units(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField


@cooperative_page(Capability.VIEW_COMMERCE, write=Capability.MANAGE_STOCK)
def commerce_counts(request, cooperative: Cooperative):
    """The stock counts (opname), newest first; a new one started on the same page."""
    form = CountStartForm(request.POST or None, cooperative=cooperative)
    return handle_form(
        request,
        form,
        save=lambda data: services.stock_count_start(
            actor=request.user, unit=data["unit"], note=data["note"]
        ),
        message=lambda count: (
            _("Stock count %(number)s started: type what is on the shelves.")
            % {"number": count.number}
        ),
        success=lambda count: redirect(
            "web:commerce_count_sheet", cooperative.public_id, count.public_id
        ),
        page=lambda status: render(
            request,
            "web/commerce/counts.html",
            {
                "cooperative": cooperative,
                "form": form,
                "counts": lists.counts(cooperative),
                "can_manage": Capability.MANAGE_STOCK in request.capabilities,
            },
            status=status,
        ),
    )


def _count(cooperative, count_id) -> StockCount:
    return found_or_404(lists.count, cooperative=cooperative, public_id=count_id)


def _count_page(request, cooperative, count: StockCount, *, status=200, **forms_) -> Any:
    caps = request.capabilities
    lines = lists.count_lines(count)
    state = count.status
    return render(
        request,
        "web/commerce/count.html",
        {
            "cooperative": cooperative,
            "count": count,
            "lines": lines,
            "differences": [ln for ln in lines if lists.differs(ln)],
            "uncounted": sum(1 for ln in lines if ln.first_count is None),
            "value_difference": sum(ln.value_difference for ln in lines),
            "can_count": Capability.MANAGE_STOCK in caps
            and state in (StockCount.Status.COUNTING, StockCount.Status.RECOUNT),
            "can_submit": Capability.MANAGE_STOCK in caps
            and state in (StockCount.Status.COUNTING, StockCount.Status.RECOUNT),
            "can_approve": Capability.APPROVE_STOCK in caps
            and state == StockCount.Status.SUBMITTED,
            "can_books": Capability.VIEW_BOOKS in caps,
            "submit_form": forms_.get("submit_form") or SubmitCountForm(lines=lines),
            "approve_form": forms_.get("approve_form") or ActionForm(),
        },
        status=status,
    )


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_count(request, cooperative: Cooperative, count_id):
    return _count_page(request, cooperative, _count(cooperative, count_id))


class CountSheetForm(forms.Form):
    """One whole-number field per line of the count (blind: the books' quantity is not shown, so
    the counter types what is on the shelf). Lines may be counted in several passes: a blank box
    is left as it was."""

    def __init__(self, *args, lines, second: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            product = line.product
            self.fields[f"count_{line.product_id}"] = AsciiIntegerField(
                label=f"{product.name} ({product.unit})",
                required=False,
                min_value=0,
                max_value=QUANTITY_MAX,
                initial=line.second_count if second else line.first_count,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self):
        super().clean()
        if not self.errors and self.lines and not self.counts():
            raise forms.ValidationError(_("Type at least one count."))
        return self.cleaned_data

    def counts(self) -> dict[int, int]:
        """{product id: counted quantity} of the boxes filled in."""
        return {
            line.product_id: self.cleaned_data[f"count_{line.product_id}"]
            for line in self.lines
            if self.cleaned_data.get(f"count_{line.product_id}") is not None
        }

    def rows(self):
        """(line, its field) for the template."""
        for line in self.lines:
            yield line, self[f"count_{line.product_id}"]


def _sheet(request, cooperative, count: StockCount, *, second: bool):
    lines = lists.count_lines(count)
    if second:
        lines = [line for line in lines if lists.differs(line)]
    form = CountSheetForm(request.POST or None, lines=lines, second=second)
    record = services.stock_count_recount if second else services.stock_count_record
    return handle_form(
        request,
        form,
        save=lambda data: record(actor=request.user, count=count, counts=form.counts()),
        message=_("The second counts were saved.") if second else _("The counts were saved."),
        success=reverse("web:commerce_count", args=[cooperative.public_id, count.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/count_sheet.html",
            {"cooperative": cooperative, "count": count, "form": form, "second": second},
            status=status,
        ),
    )


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_count_sheet(request, cooperative: Cooperative, count_id):
    """The count sheet on a phone: one box per product, what is on the shelf."""
    return _sheet(request, cooperative, _count(cooperative, count_id), second=False)


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_count_recount(request, cooperative: Cooperative, count_id):
    """The second count of the lines whose first count differs from the books, by another
    person than the first counter."""
    return _sheet(request, cooperative, _count(cooperative, count_id), second=True)


class SubmitCountForm(forms.Form):
    """Handing the count in: the reason of each difference that stays after the counts."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.difference]
        for line in self.lines:
            self.fields[f"reason_{line.product_id}"] = forms.CharField(
                label=_("Why %(name)s differs by %(difference)s")
                % {"name": line.product.name, "difference": f"{line.difference:+d}"},
                max_length=300,
                initial=line.reason,
            )

    def reasons(self) -> dict[int, str]:
        return {
            line.product_id: self.cleaned_data[f"reason_{line.product_id}"] for line in self.lines
        }


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_count_submit(request, cooperative: Cooperative, count_id):
    """Hand the counted sheet in for approval, with the reason of every difference."""
    count = _count(cooperative, count_id)
    form = SubmitCountForm(
        request.POST if request.method == "POST" else None, lines=lists.count_lines(count)
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.stock_count_submit(
            actor=request.user, count=count, reasons=form.reasons()
        ),
        message=_("Stock count %(number)s submitted for approval.") % {"number": count.number},
        success=reverse("web:commerce_count", args=[cooperative.public_id, count.public_id]),
        page=lambda status: _count_page(
            request, cooperative, count, status=status, submit_form=form
        ),
    )


@cooperative_page(Capability.APPROVE_STOCK)
def commerce_count_approve(request, cooperative: Cooperative, count_id):
    """The second person (never one who counted) approves: the differences are posted."""
    count = _count(cooperative, count_id)
    form = ActionForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form,
        save=lambda data: services.stock_count_approve(actor=request.user, count=count),
        message=_("Stock count %(number)s approved; the differences were posted.")
        % {"number": count.number},
        success=reverse("web:commerce_count", args=[cooperative.public_id, count.public_id]),
        page=lambda status: _count_page(
            request, cooperative, count, status=status, approve_form=form
        ),
    )


# --- write-offs ---------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_write_offs(request, cooperative: Cooperative):
    return render(
        request,
        "web/commerce/write_offs.html",
        {
            "cooperative": cooperative,
            "write_offs": lists.write_offs(cooperative),
            "can_request": Capability.MANAGE_STOCK in request.capabilities,
            "can_decide": Capability.APPROVE_STOCK in request.capabilities,
        },
    )


class WriteOffForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=BusinessUnit.objects.none(), to_field_name="public_id"
    )
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"), queryset=Product.objects.none(), to_field_name="public_id"
    )
    quantity = AsciiIntegerField(
        label=gettext_lazy("Quantity"),
        min_value=1,
        max_value=QUANTITY_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.ChoiceField(label=gettext_lazy("Why"), choices=StockWriteOff.Reason.choices)
    note = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = lists.stock_units(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["product"].queryset = lists.active_products(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField


@cooperative_page(Capability.MANAGE_STOCK)
def commerce_write_off_new(request, cooperative: Cooperative):
    form = WriteOffForm(request.POST or None, cooperative=cooperative)
    return handle_form(
        request,
        form,
        save=lambda data: services.stock_write_off_request(actor=request.user, **data),
        message=lambda write_off: (
            _("Write-off %(number)s requested; another officer decides.")
            % {"number": write_off.number}
        ),
        success=reverse("web:commerce_write_offs", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/write_off_form.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


class WriteOffDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose approve or reject.")},
    )


@cooperative_page(Capability.APPROVE_STOCK)
def commerce_write_off_decide(request, cooperative: Cooperative, write_off_id):
    write_off = found_or_404(lists.write_off, cooperative=cooperative, public_id=write_off_id)
    form = WriteOffDecisionForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.stock_write_off_decide(
            actor=request.user, write_off=write_off, approve=data["decision"] == "approve"
        ),
        message=lambda decided: (
            (
                _("Write-off %(number)s approved and posted.")
                if decided.status == StockWriteOff.Status.APPROVED
                else _("Write-off %(number)s rejected.")
            )
            % {"number": write_off.number}
        ),
        success=reverse("web:commerce_write_offs", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/write_off_decide.html",
            {
                "cooperative": cooperative,
                "write_off": write_off,
                "form": form,
                "pending": write_off.status == StockWriteOff.Status.REQUESTED,
            },
            status=status,
        ),
    )


# --- reconciliation -----------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_reconciliation(request, cooperative: Cooperative):
    """Each unit's stock value (the sub-ledger) against its persediaan account: zero difference."""
    rows = selectors.commerce_reconcile(cooperative)
    return render(
        request,
        "web/commerce/reconciliation.html",
        {"cooperative": cooperative, "rows": rows, "balanced": all(r.reconciles for r in rows)},
    )


PO = GERAI + "pembelian/<uuid:purchase_order_id>/"
COUNT = GERAI + "opname/<uuid:count_id>/"

urlpatterns = [
    path(GERAI + "pembelian/", commerce_purchase_orders, name="commerce_purchase_orders"),
    path(
        GERAI + "pembelian/baru/", commerce_purchase_order_new, name="commerce_purchase_order_new"
    ),
    path(PO, commerce_purchase_order, name="commerce_purchase_order"),
    path(PO + "kirim/", commerce_purchase_order_submit, name="commerce_purchase_order_submit"),
    path(PO + "batal/", commerce_purchase_order_cancel, name="commerce_purchase_order_cancel"),
    path(PO + "terima/", commerce_purchase_order_receive, name="commerce_purchase_order_receive"),
    path(GERAI + "penerimaan/", commerce_receipts, name="commerce_receipts"),
    path(GERAI + "penerimaan/baru/", commerce_receipt_new, name="commerce_receipt_new"),
    path(GERAI + "penerimaan/<uuid:goods_receipt_id>/", commerce_receipt, name="commerce_receipt"),
    path(GERAI + "stok/", commerce_stock, name="commerce_stock"),
    path(
        GERAI + "produk/<uuid:item_id>/kartu-stok/", commerce_stock_card, name="commerce_stock_card"
    ),
    path(GERAI + "transfer/", commerce_transfers, name="commerce_transfers"),
    path(GERAI + "transfer/baru/", commerce_transfer_new, name="commerce_transfer_new"),
    path(GERAI + "transfer/<uuid:transfer_id>/", commerce_transfer, name="commerce_transfer"),
    path(GERAI + "opname/", commerce_counts, name="commerce_counts"),
    path(COUNT, commerce_count, name="commerce_count"),
    path(COUNT + "hitung/", commerce_count_sheet, name="commerce_count_sheet"),
    path(COUNT + "hitung-ulang/", commerce_count_recount, name="commerce_count_recount"),
    path(COUNT + "ajukan/", commerce_count_submit, name="commerce_count_submit"),
    path(COUNT + "setujui/", commerce_count_approve, name="commerce_count_approve"),
    path(GERAI + "penghapusan/", commerce_write_offs, name="commerce_write_offs"),
    path(GERAI + "penghapusan/baru/", commerce_write_off_new, name="commerce_write_off_new"),
    path(
        GERAI + "penghapusan/<uuid:write_off_id>/",
        commerce_write_off_decide,
        name="commerce_write_off_decide",
    ),
    path(GERAI + "rekonsiliasi/", commerce_reconciliation, name="commerce_reconciliation"),
]
