"""Issue #20: bring a commune's existing ledger in (``ledger_import``) and take everything out (``export_all``)."""
