"""`{% load labels %}`: codes as words in the reader's language, from each app's registry.

    {{ entry.source_kind|source_label }}   sale.cash        -> Penjualan tunai
    {{ rule.key|posting_key }}             sembako:member   -> Sembako · Anggota
    {{ line.amount|amount_name }}          interest         -> jasa
    {{ event.action|action_label }}        savings.deposit  -> Setoran simpanan
    {{ event.object_type|object_type }}    members.member   -> Anggota
    {% for c in event|audit_changes %}     before/after rows: field label, values as labels

Choice fields need no filter: `{{ obj.get_status_display }}`.
"""

from django import template

from kopdes.core import labels as core_labels
from kopdes.ledger import labels as ledger_labels

register = template.Library()


@register.filter
def source_label(code: str) -> str:
    return ledger_labels.source_label(code)


@register.filter
def posting_key(key: str) -> str:
    return ledger_labels.posting_key_label(key)


@register.filter
def amount_name(name: str) -> str:
    return ledger_labels.amount_label(name)


@register.filter
def action_label(code: str) -> str:
    return core_labels.action_label(code)


@register.filter
def object_type(code: str) -> str:
    return core_labels.object_type_label(code)


@register.filter
def audit_changes(event) -> list[dict]:
    """An audit row's before/after as (field, before, after) rows, values as labels."""
    return core_labels.audit_changes(
        event.object_type, event.before, event.after, {"rules": ledger_labels.rules_text}
    )
