"""The chart of accounts and the posting rules: create the template chart, add, close and remove
accounts, version a posting rule."""

from datetime import date

from django.db import connection, transaction
from django.utils.translation import gettext as _

from kopdes.cooperatives.models import BusinessUnit, Cooperative
from kopdes.core import bulk
from kopdes.core.actors import Actor
from kopdes.core.audit import audit_record, snapshot
from kopdes.ledger import chain, rules
from kopdes.ledger.errors import (
    AccountInUse,
    InvalidAccount,
    InvalidPostingRule,
)
from kopdes.ledger.models import (
    Account,
    JournalLine,
    PostingRule,
    Sequence,
)
from kopdes.ledger.services.posting import JOURNAL_SEQUENCE

# -- chart of accounts -------------------------------------------------------------------------

_ACCOUNT_COLUMNS = (
    "public_id",
    "cooperative_id",
    "code",
    "name",
    "kind",
    "contra",
    "parent_id",
    "business_unit_id",
    "is_header",
    "is_cash",
    "cash_flow",
    "participation",
    "is_closed",
    "is_control",
    "created_at",
)
_RULE_COLUMNS = (
    "public_id",
    "cooperative_id",
    "event",
    "key",
    "version",
    "effective_from",
    "lines",
    "description",
    "created_at",
)


@transaction.atomic
def chart_create(*, cooperative: Cooperative, actor: Actor = None) -> int:
    """Create the template chart and default posting rules for `cooperative` (idempotent).

    Returns the number of accounts created. Run again after adding a business unit to give it
    its per-gerai accounts and rules.
    """
    existing = dict(Account.objects.filter(cooperative=cooperative).values_list("code", "pk"))
    units = list(BusinessUnit.objects.filter(cooperative=cooperative).order_by("pk"))
    specs = list(rules.FIXED_ACCOUNTS)
    numbered = [(u.code, u.kind, i + 1, u) for i, u in enumerate(units)]
    for code, kind, number, unit in numbered:
        specs += rules.unit_accounts(
            unit_code=code, unit_kind=kind, unit_name=unit.name, number=number
        )
    unit_ids = {u.code: u.pk for u in units}
    created = 0
    # One multi-row insert per level of the tree (class, group, per-gerai account): parents get
    # their ids before their children are built. Plain rows through core.bulk (not bulk_create,
    # which spent most of this service building and preparing model instances): seeding 274
    # cooperatives made it worth it. The columns are checked against the model by core.bulk.
    uuid, now = bulk.adapters().uuid, bulk.db_now()
    for depth in range(3):
        level = [
            spec for spec in specs if spec.code.count("-") == depth and spec.code not in existing
        ]
        if not level:
            continue
        bulk.insert(
            Account,
            [
                (
                    uuid(),
                    cooperative.pk,
                    spec.code,
                    spec.name,
                    spec.kind,
                    spec.contra,
                    existing.get(spec.parent),
                    unit_ids.get(spec.unit),
                    spec.is_header,
                    spec.is_cash,
                    spec.cash_flow,
                    spec.participation,
                    False,
                    spec.code in rules.SUBLEDGER_CONTROL_ACCOUNTS,
                    now,
                )
                for spec in level
            ],
            names=_ACCOUNT_COLUMNS,
        )
        existing.update(
            Account.objects.filter(
                cooperative=cooperative, code__in=[spec.code for spec in level]
            ).values_list("code", "pk")
        )
        created += len(level)
    if not Sequence.objects.filter(cooperative=cooperative, name=JOURNAL_SEQUENCE).exists():
        Sequence.objects.create(
            cooperative=cooperative, name=JOURNAL_SEQUENCE, last_hash=chain.GENESIS
        )
    have = set(PostingRule.objects.filter(cooperative=cooperative).values_list("event", "key"))
    as_json = PostingRule._meta.get_field("lines").get_db_prep_save
    since = bulk.db_date(date(2000, 1, 1))
    bulk.insert(
        PostingRule,
        [
            (
                uuid(),
                cooperative.pk,
                event,
                key,
                1,
                since,
                as_json(lines, connection),
                description,
                now,
            )
            for event, key, lines, description in rules.default_posting_rules(
                [(c, k, n) for c, k, n, _u in numbered]
            )
            if (event, key) not in have
        ],
        names=_RULE_COLUMNS,
    )
    if created:
        audit_record(
            actor=actor,
            action="ledger.chart_create",
            object_type="ledger.account",
            cooperative_id=cooperative.pk,
            after={"accounts_created": created},
        )
    return created


@transaction.atomic
def account_add(
    *,
    actor: Actor,
    cooperative: Cooperative,
    code: str,
    name: str,
    parent_code: str,
    cash_flow: str = "operating",
    participation: str = "",
) -> Account:
    """Officers may add accounts under an existing header; the kind follows the parent."""
    parent = Account.objects.filter(cooperative=cooperative, code=parent_code).first()
    errors: dict[str, list[str]] = {}
    if parent is None:
        errors["parent_code"] = [_("No such parent account.")]
    if (
        not code
        or len(code) > 20
        or Account.objects.filter(cooperative=cooperative, code=code).exists()
    ):
        errors["code"] = [_("Give a new, unused account code.")]
    if parent is not None and not code.startswith(parent.code.split("-")[0]):
        errors["code"] = [_("The code must start with the parent's class digit.")]
    if not name.strip():
        errors["name"] = [_("Give the account a name.")]
    if errors or parent is None:
        raise InvalidAccount(fields=errors)
    account = Account.objects.create(
        cooperative=cooperative,
        code=code,
        name=name.strip(),
        kind=parent.kind,
        parent=parent,
        is_control=code in rules.SUBLEDGER_CONTROL_ACCOUNTS,
        cash_flow=cash_flow,
        participation=participation if parent.kind == Account.Kind.INCOME else "",
    )
    audit_record(actor=actor, action="ledger.account_add", obj=account, after=snapshot(account))
    return account


@transaction.atomic
def account_close(*, actor: Actor, account: Account) -> Account:
    """Closed accounts keep their history and take no new postings."""
    account.is_closed = True
    account.save(update_fields=["is_closed"])
    audit_record(actor=actor, action="ledger.account_close", obj=account)
    return account


@transaction.atomic
def account_remove(*, actor: Actor, account: Account) -> None:
    """Only an account that was never used may be removed; a used one can only be closed."""
    if JournalLine.objects.filter(account=account).exists() or account.children.exists():
        raise AccountInUse(code=account.code)
    audit_record(actor=actor, action="ledger.account_remove", obj=account, before=snapshot(account))
    account.delete()


@transaction.atomic
def posting_rule_change(
    *,
    actor: Actor,
    cooperative: Cooperative,
    event: str,
    key: str,
    lines: list[dict],
    effective_from: date,
    description: str = "",
) -> PostingRule:
    """A new version of a rule, effective from a date; earlier postings keep the rule they used."""
    codes = {spec.get(side) for spec in lines for side in ("debit", "credit")}
    known = set(
        Account.objects.filter(
            cooperative=cooperative, code__in=codes, is_header=False
        ).values_list("code", flat=True)
    )
    if not lines or codes - known or any(not spec.get("amount") for spec in lines):
        raise InvalidPostingRule(
            fields={"lines": [_("Each line names an amount and two postable accounts.")]}
        )
    latest = (
        PostingRule.objects.filter(cooperative=cooperative, event=event, key=key)
        .order_by("-version")
        .first()
    )
    rule = PostingRule.objects.create(
        cooperative=cooperative,
        event=event,
        key=key,
        lines=lines,
        version=(latest.version + 1) if latest else 1,
        effective_from=effective_from,
        description=description,
    )
    audit_record(actor=actor, action="ledger.posting_rule_change", obj=rule, after=snapshot(rule))
    return rule
