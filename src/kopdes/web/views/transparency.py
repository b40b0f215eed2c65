"""Placeholder: filled in by the ledger work."""

urlpatterns: list = []
