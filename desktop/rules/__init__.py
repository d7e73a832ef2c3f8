"""Pure domain rules: no database, no Qt, no files written (data files may be read)."""
