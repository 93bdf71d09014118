"""Background jobs. Thin: each calls a service, which records its own progress."""

from __future__ import annotations

from django_tasks import task

from coopnet.opportunities.formation import formation_execute


@task()
def formation_run(run_id: int) -> None:
    """Form the consortia for a queued `FormationRun` and store its proposals."""
    formation_execute(run_id=run_id)
