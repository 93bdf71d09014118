"""What the books do when the apps below them tell of a change."""

from __future__ import annotations

from typing import Any

from coopnet.books.services import contract_create
from coopnet.opportunities.models import Proposal


def contract_from_proposal(sender: Any, *, proposal: Proposal, **kwargs: Any) -> None:
    """The last partner accepted: the proposal becomes a contract (in the same transaction)."""
    contract_create(proposal=proposal)
