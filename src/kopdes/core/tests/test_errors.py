from django.utils import translation

from kopdes.core.errors import NotFound, ValidationFailed


def test_error_dict_has_stable_code_and_translated_message():
    with translation.override("en"):
        data = ValidationFailed(fields={"phone": ["bad"]}).as_dict()
    assert data["code"] == "request.invalid"
    assert data["fields"] == {"phone": ["bad"]}
    assert NotFound().status == 404
