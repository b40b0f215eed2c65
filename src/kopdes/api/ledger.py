"""The ledger API (proofs); filled in by the ledger work."""
