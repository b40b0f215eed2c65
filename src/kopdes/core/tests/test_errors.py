from django.utils import translation

from kopdes.core.errors import DomainError, NotFound, ValidationFailed


def test_error_dict_has_stable_code_and_translated_message():
    with translation.override("en"):
        data = ValidationFailed(fields={"phone": ["bad"]}).as_dict()
    assert data["code"] == "validation_failed"
    assert data["fields"] == {"phone": ["bad"]}
    assert NotFound().status == 404


def test_codes_of_members_accounts_regions_are_dotted_and_one_per_kind():
    """Every error of these apps has its own stable dotted code `<area>.<failure>`."""
    import inspect

    from kopdes.accounts import errors as account_errors
    from kopdes.accounts import rules as account_rules
    from kopdes.members import errors as member_errors
    from kopdes.regions import errors as region_errors

    classes = [
        cls
        for module in (account_errors, account_rules, member_errors, region_errors)
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DomainError) and cls.__module__ == module.__name__
    ]
    codes = [cls.code for cls in classes]
    assert all("." in code for code in codes), codes
    assert len(codes) == len(set(codes)), codes
