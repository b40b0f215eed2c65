"""Placeholder: filled in by the members and savings work."""

urlpatterns: list = []
