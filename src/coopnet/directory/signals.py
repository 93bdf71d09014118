"""Signals other apps may listen to, so that the directory never imports them."""

from django.dispatch import Signal

#: Sent by `services.person_update` when a person's skills change, inside its transaction, with
#: `person`, `actor` and `changes`: (skill, old level or None, new level or None) per skill
#: whose level changed (None: not held before, or no longer held).
skills_changed = Signal()
