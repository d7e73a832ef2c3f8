"""Sync with the province: identity and keys, the batch container, export, receipts (no Qt)."""
