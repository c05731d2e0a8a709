"""A background job that failed is reported, never silent.

Workers run with exit_on_error=False so that one failure does not take the reader down;
Textual then only logs the error. The app and the main screen (the nodes that run workers)
pass every worker state change here, and a worker that ended in error becomes a
notification, and so an entry in the message log.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

# Worker groups, as the user would name the job.
JOB_NAMES = {
    "library": "Loading the library",
    "search": "The search",
    "detail": "Loading the paper",
    "paper-action": "Loading the paper",
    "similar": "Finding similar papers",
    "snippets": "Finding the matching fragments",
    "saved-counts": "Counting the saved views",
    "state": "Saving a change",
    "state-poll": "Reading changes made elsewhere",
    "mute-rules": "Loading the mute rules",
    "export": "The export",
    "browser": "Opening the link",
    "clipboard": "Copying",
}


def failure_text(worker: Worker) -> str:
    what = JOB_NAMES.get(worker.group) or worker.name or "A background job"
    error = worker.error
    if error is None:
        return f"{what} failed."
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"{what} failed: {reason}"


def report_failed_job(node: DOMNode, event: Worker.StateChanged) -> None:
    """Call from `on_worker_state_changed` of a node that runs workers."""
    if event.state is WorkerState.ERROR:
        node.app.notify(failure_text(event.worker), title="Background job", severity="error", timeout=10)
