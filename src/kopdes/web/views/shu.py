"""The SHU pages (under `/app/<id>/shu/`, URL names `shu_*`): the years with the simulation form,
a year (its result, allocation and the members' shares, paginated), the RAT approval, the
posting (a second person), the payment (into sukarela for everyone, or one member in cash) and a
member's statement (page and PDF, from `shu.selectors.member_statement`)."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.core import clock, pdf
from kopdes.members import selectors as member_selectors
from kopdes.members.models import Member
from kopdes.shu import selectors, services
from kopdes.shu.errors import MemberNeeded
from kopdes.shu.models import ShuYear
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import ActionForm, handle_form

SHU = "app/<uuid:cooperative_id>/shu/"
SHARES_PER_PAGE = 25


def _ended_years(cooperative: Cooperative) -> list[int]:
    today = clock.today()
    first = cooperative.founded_on.year if cooperative.founded_on else today.year - 1
    return list(range(today.year - 1, min(first, today.year - 1) - 1, -1))


class SimulateForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class ApproveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("RAT resolution (its number)"),
        max_length=200,
        help_text=gettext_lazy("The resolution of the RAT that approved this SHU."),
    )


class PayForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Pay"),
        choices=[
            ("sukarela", gettext_lazy("Every member, into simpanan sukarela")),
            ("cash", gettext_lazy("One member, in cash")),
        ],
    )
    niak = forms.CharField(
        label=gettext_lazy("Member number (NIAK), for a cash payment"),
        max_length=10,
        required=False,
    )


def _year(cooperative: Cooperative, year: int) -> ShuYear:
    return found_or_404(selectors.shu_year_for, cooperative=cooperative, year=year)


def _year_url(cooperative: Cooperative, year: int) -> str:
    return reverse("web:shu_year", args=[cooperative.public_id, year])


@cooperative_page(Capability.VIEW_SHU, write=Capability.MANAGE_SHU)
def shu_years(request, cooperative: Cooperative):
    """The SHU of each year, and the simulation of an ended year (MANAGE_SHU)."""
    can_manage = Capability.MANAGE_SHU in request.capabilities
    years = _ended_years(cooperative)
    form = SimulateForm(request.POST or None, years=years, initial={"year": years[0]})
    return handle_form(
        request,
        form,
        save=lambda data: services.shu_simulate(
            actor=request.user, cooperative=cooperative, year=data["year"]
        ),
        message=lambda y: _("The SHU of %(year)s was simulated.") % {"year": y.year},
        success=lambda y: redirect(_year_url(cooperative, y.year)),
        page=lambda status: render(
            request,
            "web/shu/years.html",
            {
                "cooperative": cooperative,
                "years": selectors.shu_years(cooperative),
                "form": form if can_manage else None,
            },
            status=status,
        ),
    )


def _year_context(request, cooperative: Cooperative, shu_year: ShuYear) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.member_shares(shu_year, query=query), SHARES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "cooperative": cooperative,
        "shu_year": shu_year,
        "lines": selectors.allocation_lines(shu_year),
        "page": page,
        "query": query,
        "can_manage": Capability.MANAGE_SHU in request.capabilities,
    }


@cooperative_page(Capability.VIEW_SHU)
def shu_year(request, cooperative: Cooperative, year: int):
    """A year's SHU: the result, the member part, the allocation, the pools, the shares."""
    shu_year = _year(cooperative, year)
    return render(request, "web/shu/year.html", _year_context(request, cooperative, shu_year))


@cooperative_page(Capability.VIEW_SHU, write=Capability.MANAGE_SHU)
def shu_approve(request, cooperative: Cooperative, year: int):
    """Record the RAT's approval of the simulated SHU (its resolution)."""
    shu_year = _year(cooperative, year)
    form = ApproveForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.shu_approve(
            actor=request.user, shu_year=shu_year, resolution=data["resolution"]
        ),
        message=_("The RAT's approval was recorded."),
        success=_year_url(cooperative, year),
        page=lambda status: render(
            request,
            "web/shu/approve.html",
            {"cooperative": cooperative, "shu_year": shu_year, "form": form},
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_SHU, write=Capability.MANAGE_SHU)
def shu_post(request, cooperative: Cooperative, year: int):
    """Post the approved allocation to the ledger: the confirmation page, then a button."""
    shu_year = _year(cooperative, year)
    form = ActionForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form,
        save=lambda data: services.shu_post(actor=request.user, shu_year=shu_year),
        message=lambda y: (
            _("The SHU allocation was posted as %(entry)s.") % {"entry": str(y.allocation_entry)}
        ),
        success=_year_url(cooperative, year),
        page=lambda status: render(
            request,
            "web/shu/post.html",
            {
                "cooperative": cooperative,
                "shu_year": shu_year,
                "lines": selectors.allocation_lines(shu_year),
                "form": form,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_SHU, write=Capability.MANAGE_SHU)
def shu_pay(request, cooperative: Cooperative, year: int):
    """Pay the members' shares: everyone into sukarela, or one member in cash."""
    shu_year = _year(cooperative, year)
    form = PayForm(request.POST or None, initial={"channel": "sukarela"})

    def save(data: dict) -> ShuYear:
        member = None
        if data["channel"] == "cash":
            niak = (data.get("niak") or "").strip()
            member = (
                Member.objects.filter(cooperative=cooperative, number=int(niak)).first()
                if niak.isdigit()
                else None
            )
            if member is None:
                raise MemberNeeded(fields={"niak": [str(MemberNeeded.message)]})
        return services.shu_pay(
            actor=request.user, shu_year=shu_year, channel=data["channel"], member=member
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("The SHU payment was recorded."),
        success=_year_url(cooperative, year),
        page=lambda status: render(
            request,
            "web/shu/pay.html",
            {"cooperative": cooperative, "shu_year": shu_year, "form": form},
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_SHU)
def shu_statement(request, cooperative: Cooperative, year: int, member_id):
    """A member's SHU statement: every number to recompute the share by hand; `?format=pdf`."""
    shu_year = _year(cooperative, year)
    member = found_or_404(member_selectors.member_get, cooperative=cooperative, public_id=member_id)
    statement = found_or_404(selectors.member_statement, shu_year=shu_year, member=member)
    context = {
        "cooperative": cooperative,
        "shu_year": shu_year,
        "member": member,
        "st": statement,
        "printed": timezone.localtime(),
    }
    if request.GET.get("format") == "pdf":
        html = render_to_string("web/shu/statement_pdf.html", context, request=request)
        response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
        name = f"shu-{year}-{member.niak or member.public_id}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "web/shu/statement.html", context)


urlpatterns = [
    path(SHU, shu_years, name="shu_years"),
    path(SHU + "<int:year>/", shu_year, name="shu_year"),
    path(SHU + "<int:year>/setujui/", shu_approve, name="shu_approve"),
    path(SHU + "<int:year>/posting/", shu_post, name="shu_post"),
    path(SHU + "<int:year>/bayar/", shu_pay, name="shu_pay"),
    path(SHU + "<int:year>/anggota/<uuid:member_id>/", shu_statement, name="shu_statement"),
]
