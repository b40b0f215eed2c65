"""Pinjaman pages: loan products, the applications list, a new application by an officer (the
member picked as at the savings counter, guarantors and collateral with their documents, the
schedule previewed by the same code that makes real schedules), the loan page, the decisions
(pengurus, and the pengawas co-signature) and the disbursement. Each view parses, authorises
(tenant first, `cooperative_page`), calls one loans service or selector, and renders."""

import json
import uuid
from decimal import Decimal
from itertools import permutations
from typing import Any, cast

from django import forms
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.cooperatives.models import Cooperative
from kopdes.cooperatives.selectors import policy_in_force
from kopdes.core import clock
from kopdes.core.errors import DomainError
from kopdes.core.money import AMOUNT_MAX, format_rupiah
from kopdes.loans import reports, rules, selectors, services
from kopdes.loans.models import (
    Collateral,
    EarlyPayoff,
    Loan,
    LoanDecision,
    LoanProduct,
    Method,
    PenaltyMethod,
)
from kopdes.loans.schedule import ScheduleRow, effective_annual_rate, schedule
from kopdes.members import selectors as member_selectors
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.files import private_file_response
from kopdes.web.formflow import form_status, handle_form
from kopdes.web.forms import AsciiDecimalField, AsciiIntegerField, date_input
from kopdes.web.views.savings import CHANNELS, MemberField, RupiahInput

LOANS = "app/<uuid:cooperative_id>/pinjaman/"
LOAN = LOANS + "<uuid:loan_id>/"
MONTHS_MAX = 360

# --- products -----------------------------------------------------------------------------------

ALLOCATION_WORDS = {
    "denda": gettext_lazy("denda"),
    "jasa": gettext_lazy("jasa"),
    "pokok": gettext_lazy("pokok"),
}


def _allocation_choices() -> list[tuple[str, str]]:
    """Every order of denda, jasa and pokok, the usual one first."""
    return [
        (",".join(order), " → ".join(str(ALLOCATION_WORDS[word]) for word in order))
        for order in permutations(("denda", "jasa", "pokok"))
    ]


class ProductForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    method = forms.ChoiceField(label=gettext_lazy("Interest method"), choices=Method.choices)
    annual_rate = AsciiDecimalField(
        label=gettext_lazy("Interest (% a year)"),
        min_value=0,
        max_value=24,
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy("Within the range the RA approved (policy), never above 24."),
    )
    tenor_min = AsciiIntegerField(
        label=gettext_lazy("Shortest tenor (months)"), min_value=1, max_value=MONTHS_MAX
    )
    tenor_max = AsciiIntegerField(
        label=gettext_lazy("Longest tenor (months)"), min_value=1, max_value=MONTHS_MAX
    )
    max_amount = AsciiIntegerField(
        label=gettext_lazy("Largest principal (Rp)"), min_value=1, max_value=AMOUNT_MAX
    )
    max_savings_multiple = AsciiDecimalField(
        label=gettext_lazy("At most this many times the member's savings (optional)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
    )
    admin_fee_percent = AsciiDecimalField(
        label=gettext_lazy("Admin fee (% of the principal)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    provisi_percent = AsciiDecimalField(
        label=gettext_lazy("Provisi (% of the principal)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    penalty_method = forms.ChoiceField(
        label=gettext_lazy("Late penalty (denda)"), choices=PenaltyMethod.choices
    )
    penalty_rate = AsciiDecimalField(
        label=gettext_lazy("Denda (% a day of the overdue installment)"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
    )
    penalty_amount = AsciiIntegerField(
        label=gettext_lazy("Denda per late installment (Rp)"), min_value=0, max_value=AMOUNT_MAX
    )
    grace_months_max = AsciiIntegerField(
        label=gettext_lazy("Grace months at most"), min_value=0, max_value=MONTHS_MAX
    )
    requires_collateral = forms.BooleanField(
        label=gettext_lazy("Collateral required"), required=False
    )
    requires_guarantor = forms.BooleanField(
        label=gettext_lazy("Guarantor required"), required=False
    )
    early_payoff = forms.ChoiceField(
        label=gettext_lazy("Early payoff"), choices=EarlyPayoff.choices
    )
    allocation_order = forms.ChoiceField(label=gettext_lazy("A payment pays first"))
    active = forms.BooleanField(label=gettext_lazy("Offered to members"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["allocation_order"]).choices = _allocation_choices()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        low, high = data.get("tenor_min"), data.get("tenor_max")
        if low is not None and high is not None and high < low:
            self.add_error("tenor_max", _("The longest tenor is shorter than the shortest."))
        if data.get("allocation_order"):
            data["allocation_order"] = data["allocation_order"].split(",")
        return data


def _product_initial(product=None, *, cooperative: Cooperative) -> dict:
    if product is None:
        policy = policy_in_force(cooperative=cooperative, on=clock.today())
        return {
            "method": Method.FLAT,
            "annual_rate": policy.loan_rate_min if policy is not None else None,
            "tenor_min": 1,
            "tenor_max": 12,
            "admin_fee_percent": Decimal(0),
            "provisi_percent": Decimal(0),
            "penalty_method": PenaltyMethod.PER_DAY,
            "penalty_rate": Decimal(0),
            "penalty_amount": 0,
            "grace_months_max": 0,
            "early_payoff": EarlyPayoff.INTEREST_TO_DATE,
            "allocation_order": "denda,jasa,pokok",
            "active": True,
        }
    initial = {name: getattr(product, name) for name in ProductForm.base_fields}
    initial["allocation_order"] = ",".join(product.allocation_order)
    return initial


@cooperative_page(Capability.VIEW_LOANS)
def loans_products(request, cooperative: Cooperative):
    return render(
        request,
        "web/loans/products.html",
        {
            "cooperative": cooperative,
            "products": list(selectors.products(cooperative).order_by("-active", "name")),
            "can_manage": Capability.MANAGE_LOANS in request.capabilities,
        },
    )


def _product_page(request, cooperative, form, *, product=None, status=200):
    policy = policy_in_force(cooperative=cooperative, on=clock.today())
    return render(
        request,
        "web/loans/product_form.html",
        {"cooperative": cooperative, "form": form, "product": product, "policy": policy},
        status=status,
    )


@cooperative_page(Capability.MANAGE_LOANS)
def loans_product_new(request, cooperative: Cooperative):
    form = ProductForm(request.POST or None, initial=_product_initial(cooperative=cooperative))
    return handle_form(
        request,
        form,
        save=lambda data: services.loan_product_create(
            actor=request.user, cooperative=cooperative, **data
        ),
        message=lambda product: _("Loan product %(name)s created.") % {"name": product.name},
        success=reverse("web:loans_products", args=[cooperative.public_id]),
        page=lambda status: _product_page(request, cooperative, form, status=status),
    )


@cooperative_page(Capability.MANAGE_LOANS)
def loans_product_edit(request, cooperative: Cooperative, product_id):
    product = found_or_404(
        selectors.product_for_officer, cooperative=cooperative, public_id=product_id
    )
    form = ProductForm(
        request.POST or None, initial=_product_initial(product, cooperative=cooperative)
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.loan_product_update(actor=request.user, product=product, **data),
        message=_("Loan product %(name)s saved.") % {"name": product.name},
        success=reverse("web:loans_products", args=[cooperative.public_id]),
        page=lambda status: _product_page(
            request, cooperative, form, product=product, status=status
        ),
    )


# --- the list -----------------------------------------------------------------------------------


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *list(Loan.Status.choices)],
    )
    q = forms.CharField(label=gettext_lazy("Number or name"), required=False, max_length=100)


@cooperative_page(Capability.VIEW_LOANS)
def loans(request, cooperative: Cooperative):
    """Every loan of the cooperative, newest application first, filtered by status."""
    form = LoanFilterForm(request.GET or None)
    status, q = "", ""
    if form.is_bound and form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    rows = list(reports.loans(cooperative=cooperative, status=status, q=q)[:200])
    counts = reports.status_counts(cooperative=cooperative)
    return render(
        request,
        "web/loans/list.html",
        {
            "cooperative": cooperative,
            "form": form,
            "loans": rows,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in Loan.Status.choices
            ],
            "status": status,
            "can_apply": Capability.APPLY_LOANS in request.capabilities,
        },
        status=form_status(form),
    )


# --- a new application --------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    member = MemberField(
        label=gettext_lazy("Member: name, NIAK, phone or card"),
        help_text=gettext_lazy("Type part of the name, or scan the member card."),
    )
    product = forms.ModelChoiceField(
        label=gettext_lazy("Loan product"),
        queryset=LoanProduct.objects.none(),
        to_field_name="public_id",
    )
    principal = RupiahInput(label=gettext_lazy("Principal (Rp)"))
    months = AsciiIntegerField(
        label=gettext_lazy("Tenor (months)"), min_value=1, max_value=MONTHS_MAX
    )
    grace_months = AsciiIntegerField(
        label=gettext_lazy("Grace months (interest only)"),
        min_value=0,
        max_value=MONTHS_MAX,
        initial=0,
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        field = self.fields["product"]
        field.queryset = selectors.products(cooperative, active_only=True).order_by("name")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["principal"].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})

    def clean(self):
        super().clean()
        data = self.cleaned_data
        text = data.get("member")
        if text:
            found = member_selectors.member_find(cooperative=self.cooperative, q=text)
            if found is None:
                digits = text.strip().lstrip("#")
                self.add_error(
                    "member",
                    _("No member with this number.")
                    if digits.isascii() and digits.isdigit()
                    else _("Pick the member from the list."),
                )
            data["member_obj"] = found
        return data


class GuarantorForm(forms.Form):
    member = MemberField(
        label=gettext_lazy("Guarantor who is a member: NIAK, phone or card"), required=False
    )
    name = forms.CharField(
        label=gettext_lazy("Or the guarantor's name"), max_length=150, required=False
    )
    nik = forms.CharField(
        label=gettext_lazy("Their NIK (16 digits)"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    relationship = forms.CharField(
        label=gettext_lazy("Relationship to the borrower"), max_length=100, required=False
    )
    document = forms.FileField(
        label=gettext_lazy("Document (KTP or statement: JPEG, PNG, WebP or PDF)"), required=False
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative

    def clean(self):
        super().clean()
        data = self.cleaned_data
        member = None
        if data.get("member"):
            member = member_selectors.member_find(cooperative=self.cooperative, q=data["member"])
            if member is None:
                self.add_error("member", _("No member with this NIAK, phone or card."))
        elif data.get("name") or data.get("nik"):
            if not data.get("name"):
                self.add_error("name", _("Give the guarantor's name."))
            nik = (data.get("nik") or "").strip()
            if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
                self.add_error("nik", _("A NIK has 16 digits."))
        data["member_obj"] = member
        return data

    def as_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "member": data.get("member_obj"),
            "name": "" if data.get("member_obj") else data.get("name", ""),
            "nik": "" if data.get("member_obj") else (data.get("nik") or "").strip(),
            "relationship": data.get("relationship", ""),
            "document": data.get("document"),
        }


class CollateralForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Collateral"),
        required=False,
        choices=[("", "—"), *list(Collateral.Kind.choices)],
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    estimated_value = RupiahInput(label=gettext_lazy("Estimated value (Rp)"), required=False)
    document = forms.FileField(
        label=gettext_lazy("Document (JPEG, PNG, WebP or PDF)"), required=False
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.has_changed():
            if not data.get("kind"):
                self.add_error("kind", _("Choose the kind of collateral."))
            if not data.get("description"):
                self.add_error("description", _("Describe the collateral."))
            if not data.get("estimated_value") and "estimated_value" not in self.errors:
                self.add_error("estimated_value", _("Give the estimated value."))
        return data

    def as_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "description": data["description"],
            "estimated_value": data["estimated_value"],
            "document": data.get("document"),
        }


GuarantorFormSet = forms.formset_factory(GuarantorForm, extra=2, max_num=2, absolute_max=2)
CollateralFormSet = forms.formset_factory(CollateralForm, extra=2, max_num=2, absolute_max=2)


def _preview(*, product, principal: int | None, months: int | None, grace: int | None, start):
    """The schedule the loan would get if disbursed on `start`, by the code that makes the real
    one (`kopdes.loans.schedule`), with the fees and, for a flat loan, the effective annual rate;
    None while the numbers are incomplete or out of the product's range."""
    if product is None or not principal or not months:
        return None
    grace = grace or 0
    if grace >= months or months > MONTHS_MAX:
        return None
    rows: list[ScheduleRow] = schedule(
        principal=principal,
        annual_rate=product.annual_rate,
        months=months,
        method=product.method,
        start=start,
        grace_months=grace,
    )
    fees = _fees(product, principal)
    return {
        "rows": rows,
        "interest": sum(r.interest for r in rows),
        "total": sum(r.installment for r in rows),
        "first_installment": rows[0].installment if rows else 0,
        "effective_rate": (
            effective_annual_rate(rows, principal) if product.method == Method.FLAT else None
        ),
        "annual_rate": product.annual_rate,
        "method": product.method,
        **fees,
    }


def _fees(product, principal: int) -> dict[str, int]:
    """The admin fee and provisi as the application shows them (rounded to the rupiah)."""
    admin = rules.fee(principal, product.admin_fee_percent)
    provisi = rules.fee(principal, product.provisi_percent)
    return {"admin_fee": admin, "provisi": provisi, "net": principal - admin - provisi}


def _search_attrs(cooperative) -> dict:
    """htmx on the member box: the matches appear under it as the officer types."""
    return {
        "hx-get": reverse("web:loans_member_search", args=[cooperative.public_id]),
        "hx-trigger": "input changed delay:250ms, search",
        "hx-target": "#member-results",
        "hx-vals": json.dumps({"for": "apply"}),
        "hx-sync": "this:replace",
        "aria-controls": "member-results",
        "data-member-search": "",
    }


def _picked(request, cooperative):
    member_id = request.GET.get("member")
    if not member_id:
        return None
    try:
        return member_selectors.member_get(cooperative=cooperative, public_id=member_id)
    except DomainError:
        return None


@cooperative_page(Capability.APPLY_LOANS)
def loans_apply(request, cooperative: Cooperative):
    """A member's application recorded by an officer (the maker; another person decides).

    "Show the schedule" posts the form to see the installments without saving anything (the
    documents are attached when the application is saved)."""
    picked = _picked(request, cooperative)
    initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex, "grace_months": 0}
    if picked is not None and picked.number:
        initial["member"] = picked.niak
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ApplicationForm(post, cooperative=cooperative, initial=initial)
    form.fields["member"].widget.attrs.update(_search_attrs(cooperative))
    guarantors = GuarantorFormSet(
        post, files, prefix="guarantor", form_kwargs={"cooperative": cooperative}
    )
    collaterals = CollateralFormSet(post, files, prefix="collateral")
    previewing = request.method == "POST" and "preview" in request.POST
    rows_valid = True
    if request.method == "POST":
        rows_valid = guarantors.is_valid() & collaterals.is_valid()

    def page(status: int) -> HttpResponse:
        member = picked
        preview = None
        matches: list = []
        if form.is_bound:
            form.is_valid()
            data = form.cleaned_data
            member = data.get("member_obj")
            typed = form["member"].value()
            if member is None and typed:
                matches = member_selectors.member_search(cooperative=cooperative, q=str(typed))
            preview = _preview(
                product=data.get("product"),
                principal=data.get("principal"),
                months=data.get("months"),
                grace=data.get("grace_months"),
                start=clock.today(),
            )
        return render(
            request,
            "web/loans/apply.html",
            {
                "cooperative": cooperative,
                "form": form,
                "guarantors": guarantors,
                "collaterals": collaterals,
                "member": member,
                "matches": matches,
                "searched": form.is_bound and member is None and bool(form["member"].value()),
                "target_url": request.path,
                "preview": preview,
                "previewing": previewing,
                "products": list(selectors.products(cooperative, active_only=True)),
            },
            status=status,
        )

    if previewing:
        return page(400 if not form.is_valid() else 200)

    def save(data: dict) -> Loan:
        return services.loan_apply(
            actor=request.user,
            cooperative=cooperative,
            member=data["member_obj"],
            product=data["product"],
            principal=data["principal"],
            months=data["months"],
            grace_months=data["grace_months"] or 0,
            purpose=data["purpose"],
            guarantors=[f.as_service() for f in guarantors.forms if f.has_changed()],
            collaterals=[f.as_service() for f in collaterals.forms if f.has_changed()],
            idempotency_key=data["idempotency_key"],
        )

    return handle_form(
        request,
        form,
        save=save,
        valid=rows_valid,
        message=lambda loan: (
            _("Application %(number)s recorded; it waits for the decision.")
            % {"number": loan.number}
        ),
        success=lambda loan: _redirect_loan(cooperative, loan),
        page=page,
    )


def _redirect_loan(cooperative, loan) -> HttpResponse:
    return redirect("web:loans_detail", cooperative.public_id, loan.public_id)


@cooperative_page(Capability.APPLY_LOANS)
def loans_member_search(request, cooperative: Cooperative):
    """Find the borrower as the officer types (htmx swaps the list under the box), or as a page of
    its own without JavaScript: at most ten members, each a link to the application with that
    member picked. Phone numbers are shown masked."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    q = request.GET.get("q", request.GET.get("member", ""))[:200]
    context = {
        "cooperative": cooperative,
        "q": q,
        "matches": member_selectors.member_search(cooperative=cooperative, q=q),
        "searched": bool(q),
        "target_url": reverse("web:loans_apply", args=[cooperative.public_id]),
        "carry": "",
    }
    template = (
        "web/savings/_member_results.html"
        if request.headers.get("HX-Request")
        else "web/loans/member_search.html"
    )
    return render(request, template, context)


# --- the loan page ------------------------------------------------------------------------------


def _approvals(loan: Loan, decisions: list[LoanDecision]) -> list[dict]:
    """Who must still approve the application, and why (the page says it in words)."""
    by_role = {d.role: d for d in decisions}
    rows = [
        {
            "role": LoanDecision.Role.PENGURUS.label,
            "decision": by_role.get(LoanDecision.Role.PENGURUS),
            "why": [
                _(
                    "Every application is decided by the pengurus (ketua, bendahara or "
                    "manajer), never by the officer who recorded it."
                )
            ],
        }
    ]
    if loan.needs_pengawas or LoanDecision.Role.PENGAWAS in by_role:
        why = []
        if loan.related_party:
            why.append(
                _(
                    "The borrower is a related party (a pengurus or pengawas, or shares a KK "
                    "with one): the pengurus and the pengawas must both approve."
                )
            )
        policy = policy_in_force(cooperative=loan.cooperative, on=loan.applied_on)
        if policy is not None and loan.principal > policy.loan_approval_threshold:
            why.append(
                _("The principal is above the policy's threshold of %(threshold)s.")
                % {"threshold": format_rupiah(policy.loan_approval_threshold)}
            )
        rows.append(
            {
                "role": LoanDecision.Role.PENGAWAS.label,
                "decision": by_role.get(LoanDecision.Role.PENGAWAS),
                "why": why,
            }
        )
    return rows


def _loan_context(request, cooperative, loan: Loan) -> dict:
    file = reports.loan_file(loan=loan)
    today = clock.today()
    caps = request.capabilities
    by_role = {d.role for d in file.decisions}
    waiting = loan.status == Loan.Status.APPLIED
    preview = None
    if not file.installments and loan.status in (Loan.Status.APPLIED, Loan.Status.APPROVED):
        preview = _preview(
            product=loan.product,
            principal=loan.principal,
            months=loan.months,
            grace=loan.grace_months,
            start=today,
        )
    return {
        "cooperative": cooperative,
        "loan": loan,
        "member": loan.member,
        "file": file,
        "approvals": _approvals(loan, file.decisions),
        "preview": preview,
        "overdue": reports.overdue_amount(file.installments, today=today),
        "today": today,
        "can_decide": waiting
        and Capability.DECIDE_LOANS in caps
        and LoanDecision.Role.PENGURUS not in by_role,
        "can_cosign": waiting
        and loan.needs_pengawas
        and Capability.COSIGN_LOANS in caps
        and LoanDecision.Role.PENGAWAS not in by_role,
        "can_disburse": loan.status == Loan.Status.APPROVED and Capability.HANDLE_CASH in caps,
        "can_documents": _can_documents(request),
    }


def _can_documents(request) -> bool:
    """Guarantors' and collateral documents carry personal data: the officers who make and
    decide loans and the pengawas who co-sign see them, supervisors outside do not."""
    return bool(
        request.capabilities
        & {Capability.APPLY_LOANS, Capability.DECIDE_LOANS, Capability.COSIGN_LOANS}
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_detail(request, cooperative: Cooperative, loan_id):
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    return render(request, "web/loans/detail.html", _loan_context(request, cooperative, loan))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=LoanDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose approve or reject.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _decide(request, cooperative, loan_id, *, role: str):
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    form = DecisionForm(request.POST or None)
    messages_by_decision = {
        LoanDecision.Decision.APPROVE: _("Your approval of %(number)s was recorded."),
        LoanDecision.Decision.REJECT: _("Application %(number)s was rejected."),
    }
    return handle_form(
        request,
        form,
        save=lambda data: services.loan_decide(
            actor=request.user, loan=loan, decision=data["decision"], reason=data["reason"]
        ),
        message=lambda decided: (
            messages_by_decision[form.cleaned_data["decision"]] % {"number": loan.number}
        ),
        success=lambda decided: _redirect_loan(cooperative, loan),
        page=lambda status: render(
            request,
            "web/loans/decide.html",
            {**_loan_context(request, cooperative, loan), "form": form, "role": role},
            status=status,
        ),
    )


@cooperative_page(Capability.DECIDE_LOANS)
def loans_decide(request, cooperative: Cooperative, loan_id):
    """The pengurus decision (ketua, bendahara or manajer; never the officer who applied)."""
    return _decide(request, cooperative, loan_id, role=LoanDecision.Role.PENGURUS)


@cooperative_page(Capability.COSIGN_LOANS)
def loans_cosign(request, cooperative: Cooperative, loan_id):
    """The pengawas co-signature: above the policy's threshold, or for a related party."""
    return _decide(request, cooperative, loan_id, role=LoanDecision.Role.PENGAWAS)


class DisburseForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Paid out by"), choices=CHANNELS)
    on = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


@cooperative_page(Capability.HANDLE_CASH)
def loans_disburse(request, cooperative: Cooperative, loan_id):
    """Pay out an approved loan, in cash or to the bank: the page is the confirmation (what the
    member receives after the fees, the schedule); saving posts it through the ledger."""
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    form = DisburseForm(
        request.POST or None,
        initial={"on": clock.today(), "channel": "cash", "idempotency_key": uuid.uuid4().hex},
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.loan_disburse(
            actor=request.user,
            loan=loan,
            channel=data["channel"],
            on=data["on"],
            idempotency_key=data["idempotency_key"],
        ),
        message=lambda txn: (
            _("Loan %(number)s disbursed, recorded as %(journal)s.")
            % {"number": loan.number, "journal": str(txn.entry)}
        ),
        success=lambda txn: _redirect_loan(cooperative, loan),
        page=lambda status: render(
            request,
            "web/loans/disburse.html",
            {
                **_loan_context(request, cooperative, loan),
                "form": form,
                "fees": _fees(loan.product, loan.principal),
            },
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_guarantor_document(request, cooperative: Cooperative, loan_id, guarantor_id):
    if not _can_documents(request):
        raise Http404
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    return private_file_response(
        found_or_404(reports.guarantor, loan=loan, public_id=guarantor_id).document
    )


@cooperative_page(Capability.VIEW_LOANS)
def loans_collateral_document(request, cooperative: Cooperative, loan_id, collateral_id):
    if not _can_documents(request):
        raise Http404
    loan = found_or_404(selectors.loan_for_officer, cooperative=cooperative, public_id=loan_id)
    return private_file_response(
        found_or_404(reports.collateral, loan=loan, public_id=collateral_id).document
    )


urlpatterns = [
    path(LOANS, loans, name="loans"),
    path(LOANS + "produk/", loans_products, name="loans_products"),
    path(LOANS + "produk/baru/", loans_product_new, name="loans_product_new"),
    path(LOANS + "produk/<uuid:product_id>/", loans_product_edit, name="loans_product_edit"),
    path(LOANS + "ajukan/", loans_apply, name="loans_apply"),
    path(LOANS + "cari-anggota/", loans_member_search, name="loans_member_search"),
    path(LOAN, loans_detail, name="loans_detail"),
    path(LOAN + "keputusan/", loans_decide, name="loans_decide"),
    path(LOAN + "keputusan-pengawas/", loans_cosign, name="loans_cosign"),
    path(LOAN + "pencairan/", loans_disburse, name="loans_disburse"),
    path(
        LOAN + "penjamin/<uuid:guarantor_id>/dokumen/",
        loans_guarantor_document,
        name="loans_guarantor_document",
    ),
    path(
        LOAN + "agunan/<uuid:collateral_id>/dokumen/",
        loans_collateral_document,
        name="loans_collateral_document",
    ),
]
