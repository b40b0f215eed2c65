"""Masking of personal data (NIK, KK, phone numbers) for logs, audit rows, exports and pages."""

SENSITIVE_KEYS = frozenset({"nik", "kk_number", "kk", "phone", "password", "token", "key_hash"})


def mask_identity_number(value: str | None) -> str:
    """3603**********01: the region part stays, the birth date and serial do not."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_phone(value: str | None) -> str:
    """+62812****7890: enough to recognise one's own number, not to call it."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_mapping(data: dict | None) -> dict | None:
    """A copy of `data` with every sensitive value masked (recursively), for the audit log."""
    if data is None:
        return None
    masked: dict = {}
    for key, value in data.items():
        if isinstance(value, dict):
            masked[key] = mask_mapping(value)
        elif key in {"password", "token", "key_hash"}:
            masked[key] = "***" if value else ""
        elif key == "phone":
            masked[key] = mask_phone(value)
        elif key in SENSITIVE_KEYS:
            masked[key] = mask_identity_number(value)
        else:
            masked[key] = value
    return masked
