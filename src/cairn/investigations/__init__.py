"""Investigations: evidence-led case building that does not rest on the child (issue 7)."""
