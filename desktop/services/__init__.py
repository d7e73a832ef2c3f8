"""Use cases. Each takes a SQLAlchemy session inside a caller's transaction and validates its input.

Front ends (CLI, Qt, hub) call these; none of them holds rules or SQL of its own.
"""
