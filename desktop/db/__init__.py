"""Database layer: typed models, sessions with the right SQLite pragmas, Alembic migrations."""
