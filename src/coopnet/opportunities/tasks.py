"""Background jobs. Thin: each calls a service, which records its own progress."""

from __future__ import annotations

from django_tasks import task

from coopnet.opportunities.formation import formation_execute
from coopnet.opportunities.lifecycle import proposals_lapse


@task()
def formation_run(run_id: int) -> None:
    """Form the consortia for a queued `FormationRun` and store its proposals."""
    formation_execute(run_id=run_id)


@task()
def proposals_lapse_due(opportunity_id: int) -> None:
    """Lapse the opportunity's proposals still pending after their decision deadline (queued
    for the day after it when the search starts)."""
    proposals_lapse(opportunity_id=opportunity_id)
