"""Intelligence reports: capture, grading, mentions, normalisation and extraction."""
