"""`coopnet opportunities lapse`: proposals past their decision deadline lapse, for cron.
Django is imported only when it runs."""

from __future__ import annotations

from coopnet.cli.options import out


def lapse() -> None:
    """Lapse every pending proposal whose decision deadline has passed (run once a day; an
    opportunity's page does it too when it is read)."""
    from coopnet.web.serve import setup_django

    setup_django()
    from coopnet.opportunities.lifecycle import proposals_lapse

    out.print(f"{proposals_lapse()} proposal(s) lapsed")
