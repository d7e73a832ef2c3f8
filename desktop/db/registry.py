"""Imports every model module so Alembic and ``Base.metadata`` see all tables.

One line per feature; add yours on its own placeholder line so parallel work never conflicts.
"""

import desktop.db.models  # noqa: F401  core (issue #2)

import desktop.db.models_feedback  # noqa: F401  issue #4 digitisation / surveys / queue
import desktop.db.models_sync  # noqa: F401  sync state (issue #6)
import desktop.db.audit  # noqa: F401  issue #8 audit trail: models_audit + the hook on DeskSession
import desktop.db.text_guard  # noqa: F401  issue #13: control characters refused at flush, whatever the service
import desktop.db.models_history  # noqa: F401  issue #20 imported ledgers
# spare:
