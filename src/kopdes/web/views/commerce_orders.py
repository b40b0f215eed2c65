"""Pickup orders at the counter (HANDLE_CASH): the orders members placed in the member app that
wait to be collected, per outlet, with the buttons that mark one ready, hand it over (the sale
is made at the counter, paid as any sale) or cancel it with a reason."""

import uuid

from django import forms
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kopdes.accounts.access import Capability
from kopdes.commerce import selectors, services
from kopdes.commerce.models import Order
from kopdes.commerce.reports import units as stock_units
from kopdes.cooperatives.models import Cooperative
from kopdes.core.money import format_rupiah
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import ActionForm, handle_form
from kopdes.web.views.savings import RupiahInput

ORDERS = "app/<uuid:cooperative_id>/gerai/pesanan/"


def payment_choices() -> list[tuple[str, str]]:
    return [
        ("cash", _("Cash")),
        ("qris", _("QRIS")),
        ("member_credit", _("Member credit (simpanan sukarela)")),
    ]


class CollectForm(forms.Form):
    payment = forms.ChoiceField(label=gettext_lazy("Payment"))
    tendered = RupiahInput(label=gettext_lazy("Cash received (Rp, optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = payment_choices()  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


def _order(cooperative: Cooperative, order_id: uuid.UUID) -> Order:
    return found_or_404(selectors.order_get, cooperative=cooperative, public_id=order_id)


def _list_url(cooperative: Cooperative, order: Order | None = None) -> str:
    url = reverse("web:commerce_orders", args=[cooperative.public_id])
    return f"{url}?unit={order.unit.code}" if order is not None else url


def _page(request, cooperative: Cooperative, *, bound: dict | None = None, status: int = 200):
    units = {u.code: u for u in stock_units(cooperative)}
    code = request.GET.get("unit", "")
    unit = units.get(code)
    orders = list(selectors.open_orders(cooperative=cooperative, unit=unit))
    for order in orders:
        mine = (bound or {}).get(order.pk, {})
        order.forms = {  # type: ignore[attr-defined]  # for the template
            "collect": mine.get("collect") or CollectForm(prefix=f"o{order.pk}"),
            "cancel": mine.get("cancel") or CancelForm(prefix=f"c{order.pk}"),
            "ready": mine.get("ready"),
        }
    return render(
        request,
        "web/commerce/orders.html",
        {
            "cooperative": cooperative,
            "orders": orders,
            "units": units.values(),
            "unit": unit,
        },
        status=status,
    )


@cooperative_page(Capability.HANDLE_CASH)
def commerce_orders(request, cooperative: Cooperative):
    """The orders still to collect (placed or ready), the nearest pickup day first."""
    return _page(request, cooperative)


def _act(request, cooperative, order_id, form, name: str, save, message):
    order = _order(cooperative, order_id)
    return handle_form(
        request,
        form,
        save=lambda data: save(order, data),
        success=lambda result: _redirect(cooperative, order),
        message=message,
        page=lambda status: _page(
            request, cooperative, bound={order.pk: {name: form}}, status=status
        ),
    )


def _redirect(cooperative, order):
    return redirect(_list_url(cooperative, order))


@cooperative_page(Capability.HANDLE_CASH)
@require_POST
def commerce_order_ready(request, cooperative: Cooperative, order_id: uuid.UUID):
    return _act(
        request,
        cooperative,
        order_id,
        ActionForm(request.POST),
        "ready",
        lambda order, data: services.order_ready(actor=request.user, order=order),
        lambda order: _("Order %(number)s is ready for pickup.") % {"number": order.number},
    )


@cooperative_page(Capability.HANDLE_CASH)
@require_POST
def commerce_order_collect(request, cooperative: Cooperative, order_id: uuid.UUID):
    order = _order(cooperative, order_id)
    return _act(
        request,
        cooperative,
        order_id,
        CollectForm(request.POST, prefix=f"o{order.pk}"),
        "collect",
        lambda order, data: services.order_collect(
            actor=request.user, order=order, payment=data["payment"], tendered=data["tendered"]
        ),
        lambda sale: (
            _("Collected: sale %(number)s, %(total)s.")
            % {"number": sale.number, "total": format_rupiah(sale.total)}
        ),
    )


@cooperative_page(Capability.HANDLE_CASH)
@require_POST
def commerce_order_cancel(request, cooperative: Cooperative, order_id: uuid.UUID):
    order = _order(cooperative, order_id)
    return _act(
        request,
        cooperative,
        order_id,
        CancelForm(request.POST, prefix=f"c{order.pk}"),
        "cancel",
        lambda order, data: services.order_cancel(
            actor=request.user, order=order, reason=data["reason"]
        ),
        lambda order: _("Order %(number)s was cancelled.") % {"number": order.number},
    )


urlpatterns = [
    path(ORDERS, commerce_orders, name="commerce_orders"),
    path(ORDERS + "<uuid:order_id>/siap/", commerce_order_ready, name="commerce_order_ready"),
    path(ORDERS + "<uuid:order_id>/ambil/", commerce_order_collect, name="commerce_order_collect"),
    path(ORDERS + "<uuid:order_id>/batal/", commerce_order_cancel, name="commerce_order_cancel"),
]
