"""What the mediation app tells the apps built on it."""

from django.dispatch import Signal

#: A followed person's duplicate record was folded into the one kept (arguments: actor, keep,
#: duplicate), inside the merge's transaction: other apps move what they hold of the duplicate.
beneficiary_merged = Signal()
