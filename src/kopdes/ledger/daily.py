"""The ledger's daily job for `kopdes close-day` (kopdes.core.daily): sign the checkpoints
closing the day (catching up missed days, as `kopdes ledger checkpoint` does), then ask the
witnesses to cosign them. Runs after every other job. A checkpoint covers what was posted by the
end of its day: entries a job posts during the run (the loans' month-end provision, dated the
month's last day) are signed by the next night's checkpoint."""

from datetime import date

from django.utils.translation import gettext as _

from kopdes.cooperatives.models import Cooperative
from kopdes.core.daily import DailyOutcome
from kopdes.core.errors import DomainError
from kopdes.ledger import checkpoints


def run(*, day: date, village: str | None) -> DailyOutcome:
    outcome = DailyOutcome()
    chosen = None
    if village is None:
        try:
            made = checkpoints.checkpoints_close_day(day=day)
        except DomainError as error:
            outcome.failures.append(f"{error.code}: {error.render()}")
            made = []
    else:
        chosen = list(Cooperative.objects.filter(village_id=village))
        if not chosen:
            outcome.failures.append(
                _("No cooperative for village code %(code)s.") % {"code": village}
            )
            return outcome
        made = []
        try:
            checkpoint = checkpoints.checkpoint_create(cooperative=chosen[0], day=day)
        except DomainError as error:
            outcome.failures.append(f"{village}: {error.code}: {error.render()}")
            checkpoint = None
        if checkpoint is not None and checkpoint.date == day:
            made.append(checkpoint)
    outcome.lines.append(
        _("Ledger checkpoints for %(day)s: %(count)s cooperatives.")
        % {"day": day.isoformat(), "count": len(made)}
    )
    witnesses = checkpoints.configured_witnesses()
    if witnesses:
        run_ = checkpoints.checkpoints_witness(cooperatives=chosen, witnesses=witnesses)
        outcome.lines.append(
            _("Witnesses: %(cosigned)s cosignatures, %(failed)s failures.")
            % {"cosigned": len(run_.cosigned), "failed": len(run_.failures)}
        )
        # As `kopdes ledger checkpoint`: a witness that failed is asked again next run.
        outcome.lines += [f"  {f.code}: {f.render()}" for f in run_.failures]
    return outcome
