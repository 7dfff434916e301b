"""Walks the audit chain and reports the first entry that does not hash to what it says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cairn.audit.models import GENESIS_HASH, AuditEntry


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(
    *, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return VerifyResult(checked=checked)
        for entry in batch:
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    checked,
                    entry.id,
                    "its link to the previous entry is broken (an entry before it was "
                    "removed or changed)",
                )
            if entry.compute_hash() != entry.entry_hash:
                return VerifyResult(checked, entry.id, "its contents were changed after writing")
            expected_prev = entry.entry_hash
            checked += 1
            last_id = entry.id
        if progress is not None:
            progress(checked)
