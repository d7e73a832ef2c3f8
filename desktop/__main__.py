"""``python -m desktop``: the command line, or the GUI when no command is given."""

from desktop.cli import main

raise SystemExit(main())
