"""What the opportunities app tells the apps above it, which it never imports."""

from django.dispatch import Signal

#: sent inside the transaction that forms a consortium (the last partner accepted), with
#: `proposal`: receivers may refuse it by raising ValidationError, which undoes the acceptance
consortium_formed = Signal()

#: Sent by the services that write opportunities, their requirements or their partners in bulk
#: (`bulk_create`, `update`), which model signals do not report, inside their transaction, with
#: no arguments: views derived from the network's demand (the skills map) are then out of date.
demand_changed = Signal()
