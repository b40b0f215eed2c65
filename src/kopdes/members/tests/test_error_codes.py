"""Stable error codes of members, accounts and regions: dotted `<area>.<failure>`, one per kind."""

import inspect

from kopdes.accounts import errors as account_errors
from kopdes.accounts import rules as account_rules
from kopdes.core.errors import DomainError
from kopdes.members import errors as member_errors
from kopdes.regions import errors as region_errors


def test_codes_are_dotted_and_one_per_kind():
    classes = [
        cls
        for module in (account_errors, account_rules, member_errors, region_errors)
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DomainError) and cls.__module__ == module.__name__
    ]
    codes = [cls.code for cls in classes]
    assert len(codes) > 20
    assert all("." in code for code in codes), codes
    assert len(codes) == len(set(codes)), codes
    assert {"regions.file_missing", "regions.file_malformed", "account.invalid_phone"} <= set(codes)
