"""QRIS merchants, payment intents and the provider's notifications (filled by the payments work;
see docs/architecture.md)."""
