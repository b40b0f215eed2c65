import uuid

import pytest

from kopdes.core.errors import NotFound
from kopdes.core.ids import parse_public_id, valid_public_ids


def test_parse_public_id():
    key = uuid.uuid4()
    assert parse_public_id(key) is key
    assert parse_public_id(str(key)) == key
    assert parse_public_id(key.hex.upper()) == key
    for bad in ("", "x", "1234", str(key) + "0", "../etc"):
        with pytest.raises(NotFound):
            parse_public_id(bad)


def test_valid_public_ids_leaves_out_what_cannot_be_one():
    key = uuid.uuid4()
    assert valid_public_ids([str(key), "savings:1", "", "not-a-uuid"]) == [key]
