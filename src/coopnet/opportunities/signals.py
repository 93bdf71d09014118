"""What the opportunities app tells the apps above it, which it never imports."""

from django.dispatch import Signal

#: sent inside the transaction that forms a consortium (the last partner accepted), with
#: `proposal`: receivers may refuse it by raising ValidationError, which undoes the acceptance
consortium_formed = Signal()
