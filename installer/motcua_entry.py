"""Entry point of the frozen program (both the windowed exe and its console twin)."""

from desktop.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
