"""The province hub: ingests desk batches into SQLite or PostgreSQL, signs receipts, reports."""
