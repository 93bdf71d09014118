"""Formation on the real queue: the request only enqueues; a `db_worker` process runs it.
Transactional, because the worker claims tasks in transactions of its own."""

import logging
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from coopnet.opportunities import services
from coopnet.opportunities.models import FormationRun, Opportunity, Proposal


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker_side_effects():
    """db_worker installs signal handlers and quietens loggers for its process; undo both."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for lg, level, kept in levels:
        lg.setLevel(level)
        lg.handlers[:] = kept


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks", "worker_side_effects")
def test_database_worker_runs_the_formation(consortium_cast, post_opportunity):
    opportunity = post_opportunity()
    run = services.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    assert (run.status, run.progress) == (FormationRun.QUEUED, 0)
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.FORMING
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.status == "READY"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    run.refresh_from_db()
    task.refresh_from_db()
    assert (run.status, run.progress, task.status) == (FormationRun.DONE, 100, "SUCCESSFUL")
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.PROPOSED
    assert Proposal.objects.filter(opportunity=opportunity, kind=Proposal.CHEAPEST).exists()
