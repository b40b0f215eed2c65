from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import Conflict, ValidationFailed


class VillageTaken(Conflict):
    code = "cooperative.village_taken"
    message = _(
        "%(village)s already has a cooperative; there is one cooperative per desa/kelurahan."
    )


class InvalidCooperativeData(ValidationFailed):
    code = "cooperative.invalid"


class InvalidPolicy(ValidationFailed):
    code = "policy.invalid"
    message = _("The policy is not valid.")


class PolicyBackdated(ValidationFailed):
    code = "policy.backdated"
    message = _(
        "A new policy version cannot take effect before the version in force (%(current)s)."
    )


class BusinessUnitCodeTaken(Conflict):
    code = "business_unit.code_taken"
    message = _("A business unit with code %(code)s already exists.")
