"""Signals other apps may listen to, so that the directory never imports them."""

from django.dispatch import Signal

#: Sent by `services.person_update` when a person's skills change, inside its transaction, with
#: `person`, `actor` and `changes`: (skill, old level or None, new level or None) per skill
#: whose level changed (None: not held before, or no longer held).
skills_changed = Signal()

#: Sent by the services that write organisations, people, their skills or the taxonomy in bulk
#: (`bulk_create`, `update`), which model signals do not report, inside their transaction, with
#: no arguments: views derived from the whole directory (the skills map) are then out of date.
network_changed = Signal()
