"""Small dialogs, one per module: each asks only for what its action needs."""
