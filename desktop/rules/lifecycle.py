"""Dossier states and which action each state allows."""

from __future__ import annotations

from enum import StrEnum

from desktop.texts import ACTION_LABELS, STATUS_LABELS  # noqa: F401  (STATUS_LABELS: read here by callers)
from desktop.errors import IllegalTransition


class Status(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    TRANSFERRED = "transferred"  # sent to another resolving body (issue #15)
    RESOLVED = "resolved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused_at_reception"


class Action(StrEnum):
    START = "start"
    REQUEST_SUPPLEMENT = "supplement_request"
    RECEIVE_SUPPLEMENT = "supplement_received"
    RECORD_RESULT = "result"
    RETURN_RESULT = "return"
    WITHDRAW = "withdraw"
    APOLOGY = "apology"
    TRANSFER = "transfer"
    RESULT_RECEIVED = "result_received"


OPEN_STATES = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT, Status.TRANSFERRED})
# States whose deadline clock runs: only these can be overdue or due soon. A dossier awaiting a
# supplement has a stopped clock (due_at is recomputed when the papers arrive), as in the report.
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.TRANSFERRED})

ALLOWED: dict[Action, frozenset[Status]] = {
    # A transferred dossier is new work for its resolving body (issue #15; the receiving desk may not start it).
    Action.START: frozenset({Status.RECEIVED, Status.TRANSFERRED}),
    # An incomplete dossier can be sent back for supplement at the counter or by the resolving body.
    Action.REQUEST_SUPPLEMENT: frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.TRANSFERRED}),
    Action.RECEIVE_SUPPLEMENT: frozenset({Status.AWAITING_SUPPLEMENT}),
    # Same-day procedures are often resolved at the counter: recording the result of a just-received
    # dossier hands it over implicitly (a "started" event is written at the same moment).
    Action.RECORD_RESULT: frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.TRANSFERRED}),
    Action.RETURN_RESULT: frozenset({Status.RESOLVED}),
    Action.WITHDRAW: OPEN_STATES,
    Action.APOLOGY: OPEN_STATES,
    # Two-tier reception (issue #15): a dossier received for another body is sent to it, and its result
    # comes back to the receiving desk, which returns it to the citizen.
    Action.TRANSFER: frozenset({Status.RECEIVED}),
    Action.RESULT_RECEIVED: frozenset({Status.TRANSFERRED, Status.RECEIVED, Status.IN_PROGRESS}),
}

# The actions only the resolving body performs; a desk refuses them on a dossier it received for
# another body (and TRANSFER / RESULT_RECEIVED on a dossier it resolves itself).
RESOLVER_ACTIONS = frozenset({Action.START, Action.RECORD_RESULT})
FORWARDING_ACTIONS = frozenset({Action.TRANSFER, Action.RESULT_RECEIVED})

# What each action leaves behind: the new state (None: unchanged) and the event it writes. The services
# (desktop/services/dossiers.py) and the demo's bulk path (desktop/demo/) both follow it; a test checks
# that the services end in these states.
OUTCOME: dict[Action, tuple[Status | None, str]] = {
    Action.START: (Status.IN_PROGRESS, "started"),
    Action.REQUEST_SUPPLEMENT: (Status.AWAITING_SUPPLEMENT, "supplement_requested"),
    Action.RECEIVE_SUPPLEMENT: (Status.IN_PROGRESS, "supplement_received"),
    Action.RECORD_RESULT: (Status.RESOLVED, "resolved"),
    Action.RETURN_RESULT: (Status.RETURNED, "returned"),
    Action.WITHDRAW: (Status.WITHDRAWN, "withdrawn"),
    Action.APOLOGY: (None, "apology_issued"),
    Action.TRANSFER: (Status.TRANSFERRED, "transferred"),
    Action.RESULT_RECEIVED: (Status.RESOLVED, "result_received"),
}



def allowed_actions(status: str) -> list[Action]:
    return [action for action, states in ALLOWED.items() if status in states]


def check(action: Action, status: str, code: str) -> None:
    if status not in ALLOWED[action]:
        label = STATUS_LABELS.get(Status(status), status) if status in Status._value2member_map_ else status
        raise IllegalTransition(
            f"Không thể {ACTION_LABELS[action]} cho hồ sơ {code}: hồ sơ đang ở trạng thái «{label}».",
            code="illegal_transition",
        )


def advance(action: Action, status: str, code: str) -> tuple[Status, str]:
    """The state after ``action`` and the kind of event it writes; an action the state forbids is refused."""
    check(action, status, code)
    new, event = OUTCOME[action]
    return new or Status(status), event
