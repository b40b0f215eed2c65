"""Filled in by the members and savings work."""
