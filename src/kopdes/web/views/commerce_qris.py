"""Gerai pages for QRIS (docs/adr/0019-qris-gateway.md): the static QRIS of the office and of
each gerai (`/app/<id>/gerai/qris/`: everyone with VIEW_COMMERCE sees them, MANAGE_CATALOGUE
changes them), the settlement of QRIS money into the bank (`qris/penyelesaian/`, KEEP_BOOKS), and
the payment simulator for officers outside production (`gerai/simulator/`: the pending QRIS
payments with a "mark paid" button that sends the simulator's signed notification through the
real webhook service; 404 in production)."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core.errors import NotFound
from kopdes.core.money import format_rupiah
from kopdes.ledger.rules import NO_SALES_UNITS
from kopdes.payments import selectors, services
from kopdes.payments.models import PaymentIntent, PaymentNotification
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import handle_form
from kopdes.web.views.savings import RupiahInput

GERAI = "app/<uuid:cooperative_id>/gerai/"
Outcome = PaymentNotification.Outcome
OFFICE = "kantor"  # the choice that names the cooperative's office (no unit)


class MerchantForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("For"))
    static_payload = forms.CharField(
        label=gettext_lazy("Static QRIS code (the text inside the QR the provider issued)"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "Scan the printed QRIS with a QR reader app and paste its text here. It starts with "
            "000201 and ends with 6304 and four check characters."
        ),
    )

    def __init__(self, *args, units: list[BusinessUnit], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (OFFICE, _("Cooperative office (savings from the member app)")),
            *[(str(u.public_id), u.name) for u in units],
        ]


def _units(cooperative: Cooperative) -> list[BusinessUnit]:
    """The units that take payments (not the office, whose QRIS is the cooperative's own, nor
    the savings-and-loan unit)."""
    return list(
        BusinessUnit.objects.filter(cooperative=cooperative, is_active=True)
        .exclude(kind__in=NO_SALES_UNITS)
        .order_by("code")
    )


@cooperative_page(Capability.VIEW_COMMERCE, write=Capability.MANAGE_CATALOGUE)
def commerce_qris(request, cooperative: Cooperative):
    units = _units(cooperative)
    merchants = selectors.merchants(cooperative=cooperative)
    office = next((m for m in merchants if m.unit_id is None), None)
    form = MerchantForm(
        request.POST or None,
        units=units,
        initial={"target": OFFICE, "static_payload": office.static_payload if office else ""},
    )

    def save(data):
        unit = None
        if data["target"] != OFFICE:
            unit = next((u for u in units if str(u.public_id) == data["target"]), None)
            if unit is None:
                raise NotFound()
        return services.qris_merchant_set(
            actor=request.user,
            cooperative=cooperative,
            unit=unit,
            static_payload=data["static_payload"],
        )

    return handle_form(
        request,
        form,
        save=save,
        message=lambda merchant: _("QRIS of %(name)s saved.") % {"name": merchant.merchant_name},
        success=reverse("web:commerce_qris", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/qris.html",
            {
                "cooperative": cooperative,
                "merchants": merchants,
                "units_without": [
                    u for u in units if u.pk not in {m.unit_id for m in merchants if m.unit_id}
                ],
                "form": form,
                "can_manage": Capability.MANAGE_CATALOGUE in request.capabilities,
                "can_settle": Capability.KEEP_BOOKS in request.capabilities,
                "can_simulate": services.simulator_enabled()
                and Capability.HANDLE_CASH in request.capabilities,
                "owed": selectors.qris_owed(cooperative=cooperative),
                "recent": list(selectors.intents(cooperative=cooperative)[:20]),
                "refused": list(
                    selectors.notifications(cooperative=cooperative)
                    .exclude(outcome__in=[Outcome.PAID, Outcome.NOT_PAID])
                    .order_by("-received_at", "-pk")[:20]
                ),
            },
            status=status,
        ),
    )


class SettleForm(forms.Form):
    amount = RupiahInput(label=gettext_lazy("Amount received in the bank (Rp)"))


@cooperative_page(Capability.KEEP_BOOKS)
def commerce_qris_settle(request, cooperative: Cooperative):
    form = SettleForm(request.POST or None)
    owed = selectors.qris_owed(cooperative=cooperative)
    return handle_form(
        request,
        form,
        save=lambda data: services.qris_settle(
            actor=request.user, cooperative=cooperative, amount=data["amount"]
        ),
        message=lambda entry: _("QRIS settlement booked as %(entry)s.") % {"entry": entry},
        success=reverse("web:commerce_qris", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/qris_settle.html",
            {"cooperative": cooperative, "form": form, "owed": owed},
            status=status,
        ),
    )


class SimulateForm(forms.Form):
    intent = forms.UUIDField(widget=forms.HiddenInput)


@cooperative_page(Capability.HANDLE_CASH)
def commerce_simulator(request, cooperative: Cooperative):
    if not services.simulator_enabled():
        raise Http404
    form = SimulateForm(request.POST or None)
    pending = list(
        selectors.intents(cooperative=cooperative, status=PaymentIntent.Status.PENDING)[:50]
    )
    recent = list(
        selectors.notifications(cooperative=cooperative).order_by("-received_at", "-pk")[:20]
    )

    def save(data):
        intent = selectors.intent(cooperative=cooperative, public_id=data["intent"])
        return services.payment_simulate_paid(intent, actor=request.user)

    return handle_form(
        request,
        form,
        save=save,
        message=lambda record: (
            _("Payment %(bill)s of %(amount)s marked paid by the simulator.")
            % {"bill": record.intent.bill_number, "amount": format_rupiah(record.intent.amount)}
        ),
        success=reverse("web:commerce_simulator", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/simulator.html",
            {"cooperative": cooperative, "pending": pending, "recent": recent, "form": form},
            status=status,
        ),
    )


urlpatterns = [
    path(GERAI + "qris/", commerce_qris, name="commerce_qris"),
    path(GERAI + "qris/penyelesaian/", commerce_qris_settle, name="commerce_qris_settle"),
    path(GERAI + "simulator/", commerce_simulator, name="commerce_simulator"),
]
