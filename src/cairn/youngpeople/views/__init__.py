"""Pages of the young person's case, one module per part of it; each module has urlpatterns."""
