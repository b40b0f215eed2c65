"""`kopdes payments simulate-paid` and `expire`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kopdes import testing
from kopdes.payments.models import PaymentIntent
from kopdes.payments.tests.factories import make_member


def test_simulate_paid_by_id_or_bill_number(place_a):
    intent = testing.make_qris(place_a, make_member(place_a.cooperative))
    out = StringIO()
    call_command("payments", "simulate-paid", str(intent.public_id), stdout=out)
    assert f"{intent.bill_number} 25000 paid" in out.getvalue()
    again = StringIO()
    call_command("payments", "simulate-paid", intent.bill_number, stdout=again)  # a replay
    assert PaymentIntent.objects.get(pk=intent.pk).status == "paid"
    with pytest.raises(CommandError, match="No payment intent"):
        call_command("payments", "simulate-paid", "KDNONE")


def test_expire(place_a):
    out = StringIO()
    call_command("payments", "expire", "--cooperative", place_a.cooperative.village_id, stdout=out)
    assert out.getvalue().strip() == "0 expired"
    with pytest.raises(CommandError):
        call_command("payments", "expire", "--cooperative", "99.99")
