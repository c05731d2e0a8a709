"""A background job that failed is reported, never silent.

Workers run with exit_on_error=False so that one failure does not take the reader down;
Textual then only logs the error. Every node that runs workers (the app, the main screen, the
export dialog) takes `ReportsFailedJobs` among its bases: a worker that ended in error becomes
a notification, and so an entry in the message log.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

# Worker groups, as the user would name the job.
JOB_NAMES = {
    "library": "Loading the library",
    "search": "The search",
    "facets": "Counting the search's hits",
    "detail": "Loading the paper",
    "paper-action": "Loading the paper",
    "similar": "Finding similar papers",
    "snippets": "Finding the matching fragments",
    "saved-counts": "Counting the saved views",
    "state": "Saving a change",
    "state-poll": "Reading changes made elsewhere",
    "mute-rules": "Loading the mute rules",
    "export": "The export",
    "export-check": "Checking the export file",
    "browser": "Opening the link",
    "clipboard": "Copying",
    "fetch": "Fetching Daily Papers",
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


class ReportsFailedJobs:
    """A base for every node that runs workers. (Textual calls the handler of each class in
    the node's bases, so no subclass defines `on_worker_state_changed` again.)"""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if isinstance(self, DOMNode):
            report_failed_job(self, event)
