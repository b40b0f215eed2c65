"""Labels for the audit log's codes: actions (`savings.deposit`), object types
(`members.member`) and the fields of a before/after, in the reader's language.

One registry for the audit log, as `kopdes.ledger.labels` is for journal sources: a page, PDF or
export shows `action_label(code)`, never the code. A code nobody has labelled yet still reads as
words (`loan.disburse` -> "Loan: disburse"), never as a raw dotted code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "announcement.publish": gettext_lazy("Announcement published"),
    "announcement.withdraw": gettext_lazy("Announcement withdrawn"),
    "health.assess": gettext_lazy("Health assessment made"),
    "health.questionnaire_fill": gettext_lazy("Management questionnaire filled"),
    "health.method_revise": gettext_lazy("Health assessment method revised"),
    "warning.raise": gettext_lazy("Early warning raised"),
    "warning.reopen": gettext_lazy("Early warning holds again"),
    "warning.clear": gettext_lazy("Early warning no longer holds"),
    "warning.acknowledge": gettext_lazy("Early warning acknowledged"),
    "warning.resolve": gettext_lazy("Early warning resolved"),
    "warning.thresholds_set": gettext_lazy("Early-warning thresholds set"),
    "coaching.training_plan": gettext_lazy("Training session planned"),
    "coaching.training_hold": gettext_lazy("Training session held"),
    "coaching.training_cancel": gettext_lazy("Training session cancelled"),
    "coaching.training_attendance": gettext_lazy("Training attendance recorded"),
    "coaching.visit_plan": gettext_lazy("Mentoring visit planned"),
    "coaching.visit_record": gettext_lazy("Mentoring visit held"),
    "coaching.visit_cancel": gettext_lazy("Mentoring visit cancelled"),
    "coaching.finding_raise": gettext_lazy("Finding raised"),
    "coaching.finding_follow_up": gettext_lazy("Finding followed up"),
    "coaching.finding_close": gettext_lazy("Finding closed"),
    "shu.simulate": gettext_lazy("SHU simulated"),
    "shu.approve": gettext_lazy("SHU approved by the RAT"),
    "shu.post": gettext_lazy("SHU allocation posted"),
    "shu.pay": gettext_lazy("SHU paid to members"),
    "savings.sukarela_credit": gettext_lazy("Credited to members' simpanan sukarela"),
    "auth.token_issue": gettext_lazy("API sign-in"),
    "auth.token_revoke": gettext_lazy("API sign-out"),
    "auth.otp_send": gettext_lazy("One-time code sent"),
    "device.pin_set": gettext_lazy("PIN set on a phone"),
    "device.pin_reset": gettext_lazy("PIN reset with a one-time code"),
    "device.locked": gettext_lazy("Phone locked after wrong PINs"),
    "member.activate": gettext_lazy("Member's account activated"),
    "member.activation_code_issue": gettext_lazy("Activation code printed for a member"),
    "business_unit.activate": gettext_lazy("Business unit activated"),
    "business_unit.add": gettext_lazy("Business unit added"),
    "commerce.category_create": gettext_lazy("Product category added"),
    "commerce.goods_receive": gettext_lazy("Goods received at an outlet"),
    "commerce.order_cancel": gettext_lazy("Pickup order cancelled"),
    "commerce.order_collect": gettext_lazy("Pickup order collected"),
    "commerce.order_place": gettext_lazy("Pickup order placed"),
    "commerce.order_ready": gettext_lazy("Pickup order ready"),
    "commerce.orders_expire": gettext_lazy("Pickup orders expired"),
    "commerce.product_create": gettext_lazy("Product added to the catalogue"),
    "commerce.product_update": gettext_lazy("Product changed"),
    "commerce.purchase_order_cancel": gettext_lazy("Purchase order cancelled"),
    "commerce.purchase_order_create": gettext_lazy("Purchase order drafted"),
    "commerce.purchase_order_submit": gettext_lazy("Purchase order sent to the supplier"),
    "commerce.stock_count_approve": gettext_lazy("Stock opname approved and posted"),
    "commerce.stock_count_cancel": gettext_lazy("Stock opname dropped"),
    "commerce.stock_count_record": gettext_lazy("Stock opname: counts typed"),
    "commerce.stock_count_recount": gettext_lazy("Stock opname: second counts typed"),
    "commerce.stock_count_start": gettext_lazy("Stock opname started"),
    "commerce.stock_count_submit": gettext_lazy("Stock opname handed in"),
    "commerce.stock_transfer": gettext_lazy("Stock moved between units"),
    "commerce.stock_write_off_decide": gettext_lazy("Stock write-off decided"),
    "commerce.stock_write_off_request": gettext_lazy("Stock write-off requested"),
    "commerce.supplier_create": gettext_lazy("Supplier added"),
    "commerce.supplier_update": gettext_lazy("Supplier changed"),
    "commerce.device_register": gettext_lazy("Point-of-sale device registered"),
    "commerce.sale_cancel": gettext_lazy("Unpaid QRIS sale cancelled"),
    "commerce.sale_paid": gettext_lazy("QRIS sale paid"),
    "commerce.sale_record": gettext_lazy("Sale recorded"),
    "commerce.sale_return_approve": gettext_lazy("Sale return approved"),
    "commerce.sale_return_reject": gettext_lazy("Sale return rejected"),
    "commerce.sale_return_request": gettext_lazy("Sale return requested"),
    "commerce.sales_sync": gettext_lazy("Offline sales synced"),
    "commerce.shift_close": gettext_lazy("Cash shift closed"),
    "commerce.shift_open": gettext_lazy("Cash shift opened"),
    "commerce.sync_rejection_resolve": gettext_lazy("Rejected offline sale resolved"),
    "cooperative.found": gettext_lazy("Cooperative founded"),
    "cooperative.update": gettext_lazy("Cooperative profile changed"),
    "employee.record": gettext_lazy("Employee recorded"),
    "funding.attach": gettext_lazy("Entry attributed to a fund"),
    "funding.document_add": gettext_lazy("Funding document kept"),
    "funding.flag_decide": gettext_lazy("Flagged fund use decided by the pengawas"),
    "funding.receive": gettext_lazy("Funds received"),
    "funding.source_close": gettext_lazy("Funding source closed"),
    "funding.source_create": gettext_lazy("Funding source recorded"),
    "funding.source_update": gettext_lazy("Funding source changed"),
    "funding.spend": gettext_lazy("Spending from a fund"),
    "ledger.account_add": gettext_lazy("Account added"),
    "ledger.account_close": gettext_lazy("Account closed"),
    "ledger.account_remove": gettext_lazy("Account removed"),
    "ledger.chart_create": gettext_lazy("Chart of accounts created"),
    "ledger.manual_journal_approve": gettext_lazy("Manual journal approved"),
    "ledger.manual_journal_draft": gettext_lazy("Manual journal drafted"),
    "ledger.manual_journal_reject": gettext_lazy("Manual journal rejected"),
    "ledger.period_close": gettext_lazy("Month closed"),
    "ledger.period_reopen": gettext_lazy("Month reopened"),
    "ledger.posting_rule_change": gettext_lazy("Posting rule changed"),
    "loans.apply": gettext_lazy("Loan applied for"),
    "loans.approve": gettext_lazy("Loan approved"),
    "loans.disburse": gettext_lazy("Loan disbursed"),
    "loans.payoff": gettext_lazy("Loan paid off early"),
    "loans.product_create": gettext_lazy("Loan product created"),
    "loans.product_update": gettext_lazy("Loan product changed"),
    "loans.reject": gettext_lazy("Loan rejected"),
    "loans.repay": gettext_lazy("Loan repayment"),
    "loans.restructure": gettext_lazy("Loan restructured"),
    "loans.restructure_reject": gettext_lazy("Loan restructure rejected"),
    "loans.restructure_request": gettext_lazy("Loan restructure requested"),
    "member.active": gettext_lazy("Member made active"),
    "member.approve": gettext_lazy("Membership approved"),
    "member.contact_change": gettext_lazy("Member's contact changed"),
    "member.deceased": gettext_lazy("Member recorded as deceased"),
    "member.expelled": gettext_lazy("Member expelled"),
    "member.import": gettext_lazy("Members imported"),
    "member.kk_change": gettext_lazy("Member's family card changed"),
    "member.ktp_photo": gettext_lazy("Member's KTP photo stored"),
    "member.register": gettext_lazy("Member registered"),
    "member.reject": gettext_lazy("Membership request rejected"),
    "member.request": gettext_lazy("Membership requested"),
    "member.resigned": gettext_lazy("Member resigned"),
    "member.suspended": gettext_lazy("Member suspended"),
    "person.change_password": gettext_lazy("Password changed"),
    "person.register": gettext_lazy("Person registered"),
    "person.reset_password": gettext_lazy("Password reset"),
    "document.add": gettext_lazy("Document for members added"),
    "document.publish": gettext_lazy("Document published to members"),
    "document.supersede": gettext_lazy("Document replaced by a new version"),
    "document.unpublish": gettext_lazy("Document hidden from members"),
    "person.set_language": gettext_lazy("Language chosen"),
    "policy.change": gettext_lazy("Policy (AD/ART) changed"),
    "regions.load_national": gettext_lazy("Region codes loaded (national)"),
    "regions.load_tangerang": gettext_lazy("Region codes loaded (Tangerang)"),
    "role.assign": gettext_lazy("Role assigned"),
    "role.cancel": gettext_lazy("Role ended"),
    "savings.bills_create": gettext_lazy("Savings bills created"),
    "savings.collective_deposit": gettext_lazy("Collective deposit"),
    "savings.correction_approve": gettext_lazy("Savings correction approved"),
    "savings.correction_reject": gettext_lazy("Savings correction rejected"),
    "savings.correction_request": gettext_lazy("Savings correction requested"),
    "savings.deposit": gettext_lazy("Savings deposit"),
    "savings.interest_post": gettext_lazy("Savings interest posted"),
    "savings.member_resign": gettext_lazy("Member left, savings refunded"),
    "savings.policy_follow": gettext_lazy("Savings products follow the policy"),
    "savings.product_update": gettext_lazy("Savings product changed"),
    "savings.setup": gettext_lazy("Savings set up"),
    "savings.transfer": gettext_lazy("Savings transfer"),
    "rat.agenda": gettext_lazy("Meeting agenda set"),
    "rat.announce": gettext_lazy("Meeting notice sent"),
    "rat.attend": gettext_lazy("Meeting attendance recorded"),
    "rat.cancel": gettext_lazy("Meeting cancelled"),
    "rat.close": gettext_lazy("Meeting closed"),
    "rat.document_upload": gettext_lazy("Meeting document added"),
    "rat.documents_generate": gettext_lazy("Meeting documents made from the books"),
    "rat.minutes": gettext_lazy("Meeting minutes made"),
    "rat.open": gettext_lazy("Meeting opened"),
    "rat.resolution_close": gettext_lazy("Vote closed and counted"),
    "rat.resolution_open": gettext_lazy("Vote opened"),
    "rat.schedule": gettext_lazy("Meeting scheduled"),
    "rat.vote": gettext_lazy("Vote cast"),
    "savings.withdraw": gettext_lazy("Savings withdrawal"),
    "supervision.grant": gettext_lazy("Supervision granted"),
    "supervision.revoke": gettext_lazy("Supervision revoked"),
    "village_profile.update": gettext_lazy("Village profile changed"),
}


# Keys of audit rows that are no field of the object's model (counts the service records).
AUDIT_KEY_LABELS = {
    "guarantor_count": gettext_lazy("Guarantors"),
    "collateral_count": gettext_lazy("Collaterals"),
    "installment_count": gettext_lazy("Installments"),
    "account": gettext_lazy("Account"),
    "devices_disabled": gettext_lazy("Phones disabled"),
    "device": gettext_lazy("Phone"),
}


def readable(code: str) -> str:
    """A code nobody has labelled, as words: `loan.disburse_late` -> "Loan: disburse late"."""
    head, _dot, tail = str(code).partition(".")
    words = head.replace("_", " ")
    if tail:
        words = f"{words}: {tail.replace('.', ' ').replace('_', ' ')}"
    return capfirst(words.strip()) or "—"


def action_label(code: str) -> str:
    """`savings.deposit` -> "Setoran simpanan" (Indonesian) / "Savings deposit" (English)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else readable(code)


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """`members.member` -> the model's verbose name ("anggota"), capitalised."""
    if not object_type:
        return ""
    model = _model(object_type)
    if model is None:
        return readable(object_type)
    return capfirst(str(model._meta.verbose_name))


@cache
def _choices_named(key: str) -> dict:
    """The choices of every project field called `key` (`kind`, `status`, `channel`): the
    labels of a value recorded under that name for an object of another model."""
    labels: dict = {}
    for model in apps.get_models():
        if not model.__module__.startswith("kopdes."):
            continue
        for field in model._meta.concrete_fields:
            if field.name == key and field.choices:
                for value, label in field.flatchoices:
                    labels.setdefault(value, label)
    return labels


def _is_rule_line(value: Any) -> bool:
    return isinstance(value, dict) and "debit" in value and "credit" in value


def _value_text(key: str, field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    # A reverse relation (`guarantors` of a loan, counted in the audit row) has no choices.
    choices = field.flatchoices if getattr(field, "choices", None) else None
    if choices is None and isinstance(value, (str, list)):
        choices = _choices_named(key).items() or None
    if choices is not None:
        labels = dict(choices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        if value in labels:
            return str(labels[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list) and value and all(_is_rule_line(v) for v in value):
        # A posting rule's lines: which amount moves from which account to which.
        return "; ".join(
            _("debit %(debit)s, credit %(credit)s (%(amount)s)")
            % {"debit": v["debit"], "credit": v["credit"], "amount": v.get("amount", "")}
            for v in value
        )
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def audit_changes(
    object_type: str,
    before: dict | None,
    after: dict | None,
    formatters: dict[str, Callable[[Any], str]] | None = None,
) -> list[dict]:
    """The before/after of an audit row as rows a person reads: the field's label (the model's
    verbose name), and each value with its choice label (`active` -> "Aktif"); `formatters`
    write the values of other keys (a higher layer's codes) by key."""
    formatters = formatters or {}
    model = _model(object_type)
    fields = {f.name: f for f in model._meta.get_fields()} if model is not None else {}
    before, after = before or {}, after or {}
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        field = fields.get(key)
        name = getattr(field, "verbose_name", None)
        known = AUDIT_KEY_LABELS.get(key)
        label = capfirst(str(name)) if name else str(known) if known else readable(key)
        write = formatters.get(key) or partial(_value_text, key, field)
        old = write(before[key]) if key in before else ""
        new = write(after[key]) if key in after else ""
        rows.append({"field": label, "before": old, "after": new, "changed": old != new})
    return rows
