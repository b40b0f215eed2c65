"""The loan simulation page, for anyone: the schedule the cooperative would book for given terms.

Two addresses, one view code and one form: `/simulasi-pinjaman/` (public: no login, no personal
data, throttled per address like the API's simulation) and `/app/<cooperative>/pinjaman/simulasi/`
(officers and supervisors who see loans; `?produk=<id>` fills the form from one of the
cooperative's products). The schedule comes from `kopdes.loans.schedule.simulate`, the same code
that makes the installments a disbursement books; a flat loan shows its effective annual rate.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kopdes.accounts import throttle
from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock
from kopdes.loans import selectors
from kopdes.loans.models import LoanProduct, Method
from kopdes.loans.schedule import FLAT, Simulation, simulate
from kopdes.web.access import cooperative_page
from kopdes.web.formflow import handle_form
from kopdes.web.forms import AsciiIntegerField, date_input
from kopdes.web.views.savings import RupiahInput

DEFAULT_MONTHS = 12


class RateField(forms.Field):
    """A yearly rate as people write it: 12, 12.5 or 12,5 (digits 0-9 only)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 6})

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value if value is not None else "").strip().replace(",", ".")
        if not text:
            return None
        if not text.isascii() or not text.replace(".", "", 1).isdigit():
            raise forms.ValidationError(_("Write the rate as a number such as 12 or 12,5."))
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the check above leaves only decimals
            raise forms.ValidationError(
                _("Write the rate as a number such as 12 or 12,5.")
            ) from None


class SimulationForm(forms.Form):
    """The terms. Ranges are the schedule engine's to check (its refusal lands on the field)."""

    principal = RupiahInput(label=pgettext_lazy("simulation", "Loan amount (Rp)"))
    annual_rate = RateField(label=_("Interest (jasa), % a year"))
    months = AsciiIntegerField(label=pgettext_lazy("simulation", "Tenor (months)"))
    method = forms.ChoiceField(label=pgettext_lazy("simulation", "Method"), choices=Method.choices)
    grace_months = AsciiIntegerField(
        label=_("Grace months (interest only)"),
        required=False,
        help_text=_("Months at the start in which only the interest is paid; part of the tenor."),
    )
    start = forms.DateField(
        label=pgettext_lazy("simulation", "Disbursement date"), widget=date_input()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})


def _initial(product: LoanProduct | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "months": DEFAULT_MONTHS,
        "method": Method.FLAT,
        "grace_months": 0,
        "start": clock.today(),
    }
    if product is not None:
        initial |= {
            "annual_rate": product.annual_rate,
            "method": product.method,
            "months": min(max(DEFAULT_MONTHS, product.tenor_min), product.tenor_max),
        }
    return initial


def _simulate(data: dict[str, Any], *, request: HttpRequest, public: bool) -> Simulation:
    if public:
        throttle.attempt(throttle.loan_simulation_address(), getattr(request, "client_ip", None))
    return simulate(
        principal=data["principal"],
        annual_rate=data["annual_rate"],
        months=data["months"],
        method=data["method"],
        start=data["start"],
        grace_months=data.get("grace_months") or 0,
    )


def _page(
    request: HttpRequest,
    *,
    cooperative: Cooperative | None = None,
    products: list[LoanProduct] | None = None,
    product: LoanProduct | None = None,
) -> HttpResponse:
    """The page both addresses share: the form, and after a valid POST the schedule."""
    form = SimulationForm(request.POST or None, initial=_initial(product))
    public = cooperative is None

    def page(status: int, result: Simulation | None = None) -> HttpResponse:
        context = {
            "form": form,
            "cooperative": cooperative,
            "products": products or [],
            "product": product,
            "result": result,
            "flat": result is not None and form.cleaned_data.get("method") == FLAT,
            "principal": form.cleaned_data.get("principal") if result is not None else None,
        }
        return render(request, "web/loans/simulate.html", context, status=status)

    return handle_form(
        request,
        form,
        save=lambda data: _simulate(data, request=request, public=public),
        success=lambda result: page(200, result),
        page=page,
    )


def simulate_public(request: HttpRequest) -> HttpResponse:
    return _page(request)


@cooperative_page(Capability.VIEW_LOANS)
def simulate_staff(request: HttpRequest, cooperative: Cooperative) -> HttpResponse:
    products = list(selectors.products(cooperative, active_only=True))
    chosen = request.GET.get("produk", "")
    product = next((p for p in products if str(p.public_id) == chosen), None)
    return _page(request, cooperative=cooperative, products=products, product=product)


urlpatterns = [
    path("simulasi-pinjaman/", simulate_public, name="loans_simulate_public"),
    path("app/<uuid:cooperative_id>/pinjaman/simulasi/", simulate_staff, name="loans_simulate"),
]
