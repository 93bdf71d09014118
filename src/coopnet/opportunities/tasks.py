"""Background jobs. Thin: each calls a service, which records its own progress."""

from __future__ import annotations

from django_tasks import task


@task()
def formation_run(run_id: int) -> None:
    """Form the consortia for a queued `FormationRun` and store its proposals."""
    # imported here because services enqueue this task
    from coopnet.opportunities.services import formation_execute

    formation_execute(run_id=run_id)
