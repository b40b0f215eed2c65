from django.utils.translation import gettext_lazy as _

from kopdes.core.errors import DomainError


class RegionFileMissing(DomainError):
    code = "regions.file_missing"
    status = 500
    message = _("The region data file %(path)s does not exist.")


class RegionFileMalformed(DomainError):
    """The region data file cannot be read as the expected CSV; nothing was written."""

    code = "regions.file_malformed"
    status = 500
    message = _("The region data file %(path)s is malformed at line %(line)s: %(reason)s")
