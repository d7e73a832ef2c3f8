"""Qt item models over service read functions (ids first, rows on demand)."""
