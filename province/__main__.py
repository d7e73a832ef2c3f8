"""``python -m province``: the province hub's command line."""

from province.cli import main

raise SystemExit(main())
