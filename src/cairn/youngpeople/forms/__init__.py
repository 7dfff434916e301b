"""Forms of the young person's case, one module per part of it."""
