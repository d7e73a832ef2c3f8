"""Reusable widgets of the desk UI."""
