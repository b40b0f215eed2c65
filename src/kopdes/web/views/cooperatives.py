"""The cooperative's pages (profile, officers, policy, audit log)."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts import services as account_services
from kopdes.accounts.access import (
    Capability,
    role_kinds,
)
from kopdes.accounts.models import Role, VillageOffice
from kopdes.accounts.selectors import employees, officers
from kopdes.cooperatives import services as cooperative_services
from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.cooperatives.selectors import (
    business_units,
    policy_history,
    policy_in_force,
    village_profile,
)
from kopdes.core.ids import parse_public_id
from kopdes.core.labels import action_label
from kopdes.core.models import AuditEvent
from kopdes.core.money import AMOUNT_MAX
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import handle_form
from kopdes.web.forms import AsciiDecimalField, AsciiIntegerField, date_input


@cooperative_page()
def cooperative(request, cooperative: Cooperative):
    return render(
        request,
        "web/cooperatives/profile.html",
        {
            "cooperative": cooperative,
            "units": business_units(cooperative=cooperative),
            "profile": village_profile(cooperative=cooperative),
            "policy": policy_in_force(cooperative=cooperative),
            "can_edit": Capability.EDIT_PROFILE in request.capabilities,
            "can_view_health": Capability.VIEW_HEALTH in request.capabilities,
            "can_export_evidence": Capability.EXPORT_EVIDENCE in request.capabilities,
            "can_view_books": Capability.VIEW_BOOKS in request.capabilities,
            "can_view_warnings": Capability.VIEW_WARNINGS in request.capabilities,
            "can_view_coaching": Capability.VIEW_COACHING in request.capabilities,
        },
    )


class CooperativeForm(forms.Form):
    legal_entity_number = forms.CharField(
        label=gettext_lazy("Badan hukum number"), max_length=100, required=False
    )
    registry_number = forms.CharField(
        label=gettext_lazy("Nomor Induk Koperasi"), max_length=30, required=False
    )
    npwp = forms.CharField(label=gettext_lazy("NPWP"), max_length=20, required=False)
    nib = forms.CharField(label=gettext_lazy("NIB"), max_length=13, required=False)
    founded_on = forms.DateField(
        label=gettext_lazy("Founding date"),
        required=False,
        widget=date_input(),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    population = AsciiIntegerField(label=gettext_lazy("Population"), min_value=0, required=False)
    households = AsciiIntegerField(label=gettext_lazy("Households"), min_value=0, required=False)
    main_livelihoods = forms.CharField(
        label=gettext_lazy("Main livelihoods (comma-separated)"), required=False
    )
    leading_commodities = forms.CharField(
        label=gettext_lazy("Leading commodities (comma-separated)"), required=False
    )


IDENTITY_FIELDS = ("legal_entity_number", "registry_number", "npwp", "nib", "founded_on", "address")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@cooperative_page(Capability.EDIT_PROFILE)
def cooperative_edit(request, cooperative: Cooperative):
    profile = village_profile(cooperative=cooperative)
    initial = {f: getattr(cooperative, f) for f in IDENTITY_FIELDS}
    if profile:
        initial.update(
            population=profile.population,
            households=profile.households,
            main_livelihoods=", ".join(profile.main_livelihoods),
            leading_commodities=", ".join(profile.leading_commodities),
        )
    form = CooperativeForm(request.POST or None, initial=initial)

    def save(data: dict) -> Cooperative:
        return cooperative_services.cooperative_profile_update(
            actor=request.user,
            cooperative=cooperative,
            identity={f: data[f] for f in IDENTITY_FIELDS},
            population=data["population"],
            households=data["households"],
            main_livelihoods=_split(data["main_livelihoods"]),
            leading_commodities=_split(data["leading_commodities"]),
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("The cooperative's profile was saved."),
        success=reverse("web:cooperative", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/cooperatives/edit.html",
            {"cooperative": cooperative, "form": form},
            status=status,
        ),
    )


class RoleForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=20)
    full_name = forms.CharField(
        label=gettext_lazy("Full name (for a new person)"), max_length=150, required=False
    )
    kind = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.Kind.choices)
    village_office = forms.ChoiceField(
        label=gettext_lazy("Office in the village government (new person)"),
        choices=[("", "—"), *VillageOffice.choices],
        required=False,
    )
    started_on = forms.DateField(label=gettext_lazy("From"), widget=date_input())


class EmployeeForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    job_title = forms.CharField(label=gettext_lazy("Job title"), max_length=100)
    started_on = forms.DateField(label=gettext_lazy("Start date"), widget=date_input())
    phone = forms.CharField(
        label=gettext_lazy("Phone number (optional)"), max_length=20, required=False
    )


class EndRoleForm(forms.Form):
    role = forms.UUIDField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=gettext_lazy("Until"), widget=date_input())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


def _form_page(request, cooperative: Cooperative, form, *, heading: str, back: str):
    """The page of a one-form view (`web/cooperatives/form.html`) for `handle_form`: the form
    under `heading`, with a link back to the page named `back`."""
    return lambda status: render(
        request,
        "web/cooperatives/form.html",
        {
            "cooperative": cooperative,
            "form": form,
            "heading": heading,
            "back": reverse(back, args=[cooperative.public_id]),
        },
        status=status,
    )


@cooperative_page(Capability.MANAGE_OFFICERS)
def employee_add(request, cooperative: Cooperative):
    form = EmployeeForm(request.POST or None, initial={"started_on": timezone.localdate()})
    return handle_form(
        request,
        form,
        save=lambda data: account_services.employee_record(
            actor=request.user, cooperative=cooperative, **data
        ),
        message=_("The employee was recorded."),
        success=reverse("web:officers", args=[cooperative.public_id]),
        page=_form_page(
            request,
            cooperative,
            form,
            heading=_("Record an employee (karyawan)"),
            back="web:officers",
        ),
    )


@cooperative_page(Capability.MANAGE_OFFICERS)
def role_end(request, cooperative: Cooperative):
    key = (request.POST if request.method == "POST" else request.GET).get("role", "")
    role = _active_role(cooperative, key)
    form = EndRoleForm(
        request.POST or None, initial={"ended_on": timezone.localdate(), "role": role.public_id}
    )
    heading = _("End the role of %(name)s: %(role)s") % {
        "name": role.user.full_name,
        "role": role.get_kind_display(),
    }
    return handle_form(
        request,
        form,
        save=lambda data: account_services.role_end(
            actor=request.user, role=role, ended_on=data["ended_on"], reason=data["reason"]
        ),
        message=_("The role was ended."),
        success=reverse("web:officers", args=[cooperative.public_id]),
        page=_form_page(request, cooperative, form, heading=heading, back="web:officers"),
    )


class ResetPasswordForm(forms.Form):
    role = forms.UUIDField(widget=forms.HiddenInput)


@cooperative_page(Capability.MANAGE_OFFICERS)
def password_reset(request, cooperative: Cooperative):
    """The ketua resets an officer's forgotten password: a one-time temporary password, shown
    here once, that the officer must change at the next login."""
    key = (request.POST if request.method == "POST" else request.GET).get("role", "")
    role = _active_role(cooperative, key)
    if role.kind == Role.Kind.ANGGOTA or not account_services.password_reset_allowed(
        actor=request.user, cooperative=cooperative, user=role.user
    ):
        raise Http404
    form = ResetPasswordForm(request.POST or None, initial={"role": role.public_id})

    def page(status: int, temporary: str | None = None):
        return render(
            request,
            "web/cooperatives/password_reset.html",
            {
                "cooperative": cooperative,
                "form": form,
                "person": role.user,
                "temporary": temporary,
                "back": reverse("web:officers", args=[cooperative.public_id]),
            },
            status=status,
        )

    # The temporary password is shown once, on this answer: no redirect.
    return handle_form(
        request,
        form,
        save=lambda data: account_services.user_reset_password(
            actor=request.user, cooperative=cooperative, user=role.user
        ),
        success=lambda temporary: page(200, temporary),
        page=page,
    )


def _active_role(cooperative: Cooperative, key: str) -> Role:
    """The cooperative's active role `key` (a UUID), or 404: tenant first."""
    public_id = found_or_404(parse_public_id, value=key)
    role = Role.objects.filter(cooperative=cooperative, public_id=public_id, ended_on__isnull=True)
    return get_object_or_404(role.select_related("user"))


class BusinessUnitForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=BusinessUnit.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    code = forms.SlugField(label=gettext_lazy("Short code"), max_length=20)


@cooperative_page(Capability.EDIT_PROFILE)
def business_unit_add(request, cooperative: Cooperative):
    form = BusinessUnitForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: cooperative_services.business_unit_add(
            actor=request.user, cooperative=cooperative, **data
        ),
        message=_("The business unit was added."),
        success=reverse("web:cooperative", args=[cooperative.public_id]),
        page=_form_page(
            request,
            cooperative,
            form,
            heading=_("Add a business unit (gerai)"),
            back="web:cooperative",
        ),
    )


@cooperative_page(write=Capability.MANAGE_OFFICERS)
def officer_list(request, cooperative: Cooperative):
    can_manage = Capability.MANAGE_OFFICERS in request.capabilities
    form = RoleForm(request.POST or None, initial={"started_on": timezone.localdate()})
    return handle_form(
        request,
        form,
        save=lambda data: account_services.officer_appoint(
            actor=request.user,
            cooperative=cooperative,
            phone=data["phone"],
            full_name=data["full_name"] or "",
            kind=data["kind"],
            started_on=data["started_on"],
            village_office=data["village_office"],
        ),
        message=_("The role was assigned."),
        success=reverse("web:officers", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/cooperatives/officers.html",
            {
                "cooperative": cooperative,
                "officers": officers(cooperative=cooperative),
                "employees": employees(cooperative=cooperative),
                "form": form if can_manage else None,
                "can_manage": can_manage,
                "can_reset": "ketua" in role_kinds(request.user, cooperative),
                "today": timezone.localdate(),
            },
            status=status,
        ),
    )


class PolicyForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("Effective from"), widget=date_input())
    simpanan_pokok_amount = AsciiIntegerField(
        label=gettext_lazy("Simpanan pokok (Rp)"), min_value=0, max_value=AMOUNT_MAX
    )
    simpanan_wajib_amount = AsciiIntegerField(
        label=gettext_lazy("Monthly simpanan wajib (Rp)"), min_value=0, max_value=AMOUNT_MAX
    )
    savings_rate_min = AsciiDecimalField(
        label=gettext_lazy("Sukarela interest, minimum (% a year)"), max_digits=5, decimal_places=2
    )
    savings_rate_max = AsciiDecimalField(
        label=gettext_lazy("Sukarela interest, maximum (% a year)"), max_digits=5, decimal_places=2
    )
    loan_rate_min = AsciiDecimalField(
        label=gettext_lazy("Loan interest, minimum (% a year)"), max_digits=5, decimal_places=2
    )
    loan_rate_max = AsciiDecimalField(
        label=gettext_lazy("Loan interest, maximum (% a year)"), max_digits=5, decimal_places=2
    )
    loan_approval_threshold = AsciiIntegerField(
        label=gettext_lazy("Loans above this need the pengawas (Rp)"),
        min_value=0,
        max_value=AMOUNT_MAX,
    )
    rat_quorum_percent = AsciiDecimalField(
        label=gettext_lazy("RAT quorum (% of members)"), max_digits=5, decimal_places=2
    )
    savings_deposit_max = AsciiIntegerField(
        label=gettext_lazy("Largest savings deposit at once (Rp)"),
        min_value=1,
        max_value=AMOUNT_MAX,
    )
    savings_withdrawal_max = AsciiIntegerField(
        label=gettext_lazy("Largest savings withdrawal at once (Rp)"),
        min_value=1,
        max_value=AMOUNT_MAX,
    )
    savings_transfer_max = AsciiIntegerField(
        label=gettext_lazy("Largest savings transfer at once (Rp)"),
        min_value=1,
        max_value=AMOUNT_MAX,
    )
    member_credit_limit = AsciiIntegerField(
        label=gettext_lazy("Largest outlet purchase from simpanan sukarela (Rp, 0 = off)"),
        min_value=0,
        max_value=AMOUNT_MAX,
        required=False,  # left empty: the value in force carries over
    )
    restricted_fund_outside_lines = forms.ChoiceField(
        label=gettext_lazy("Use of a restricted fund outside its permitted lines"),
        choices=[
            ("refuse", gettext_lazy("Refuse")),
            ("flag", gettext_lazy("Record and flag to the pengawas")),
        ],
        required=False,  # left empty: the value in force carries over
    )
    shu_jasa_modal_percent = AsciiDecimalField(
        label=gettext_lazy("SHU: share of the members' part paid as jasa modal (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,  # left empty: the value in force carries over (as the choices below)
    )
    shu_savings_basis = forms.ChoiceField(
        label=gettext_lazy("SHU: savings basis"),
        choices=[
            ("year_end", gettext_lazy("Year-end balance")),
            ("average", gettext_lazy("Average month-end balance")),
        ],
        required=False,
    )
    shu_savings_include_sukarela = forms.BooleanField(
        label=gettext_lazy("SHU: simpanan sukarela counts in the savings basis"), required=False
    )
    shu_transaction_basis = forms.ChoiceField(
        label=gettext_lazy("SHU: transaction basis"),
        choices=[
            ("purchases", gettext_lazy("Purchases at the outlets")),
            ("purchases_and_interest", gettext_lazy("Purchases and loan interest paid")),
        ],
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (e.g. the RAT decision)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Policy fields a form may leave empty: the value in force carries over.
CARRIED_OVER = {
    "member_credit_limit",
    "restricted_fund_outside_lines",
    "shu_jasa_modal_percent",
    "shu_savings_basis",
    "shu_transaction_basis",
}


@cooperative_page(write=Capability.CHANGE_POLICY)
def policy(request, cooperative: Cooperative):
    can_change = Capability.CHANGE_POLICY in request.capabilities
    current = policy_in_force(cooperative=cooperative)
    initial = {
        f: getattr(current, f) for f in PolicyForm.base_fields if current and hasattr(current, f)
    }
    form = PolicyForm(
        request.POST or None,
        initial={**initial, "effective_from": timezone.localdate(), "reason": ""},
    )

    def save(data: dict):
        data = {k: v for k, v in data.items() if not (k in CARRIED_OVER and v in (None, ""))}
        return cooperative_services.policy_change(
            actor=request.user,
            cooperative=cooperative,
            effective_from=data.pop("effective_from"),
            reason=data.pop("reason"),
            **data,
        )

    return handle_form(
        request,
        form,
        save=save,
        message=_("A new policy version was recorded."),
        success=reverse("web:policy", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/cooperatives/policy.html",
            {
                "cooperative": cooperative,
                "policy": current,
                "history": policy_history(cooperative=cooperative),
                "form": form if can_change else None,
            },
            status=status,
        ),
    )


@cooperative_page(Capability.VIEW_AUDIT)
def audit(request, cooperative: Cooperative):
    events = AuditEvent.objects.filter(cooperative_id=cooperative.pk)
    action = request.GET.get("action", "")[:100]
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    recorded = (
        AuditEvent.objects.filter(cooperative_id=cooperative.pk)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )
    actions = sorted(((a, action_label(a)) for a in recorded), key=lambda item: item[1].lower())
    return render(
        request,
        "web/cooperatives/audit.html",
        {"cooperative": cooperative, "page": page, "action": action, "actions": actions},
    )


urlpatterns = [
    path("app/<uuid:cooperative_id>/", cooperative, name="cooperative"),
    path("app/<uuid:cooperative_id>/ubah/", cooperative_edit, name="cooperative_edit"),
    path("app/<uuid:cooperative_id>/pengurus/", officer_list, name="officers"),
    path("app/<uuid:cooperative_id>/pengurus/akhiri/", role_end, name="role_end"),
    path("app/<uuid:cooperative_id>/pengurus/sandi/", password_reset, name="password_reset"),
    path("app/<uuid:cooperative_id>/karyawan/baru/", employee_add, name="employee_add"),
    path("app/<uuid:cooperative_id>/gerai/baru/", business_unit_add, name="business_unit_add"),
    path("app/<uuid:cooperative_id>/kebijakan/", policy, name="policy"),
    path("app/<uuid:cooperative_id>/audit/", audit, name="audit"),
]
