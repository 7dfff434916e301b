"""Forms of the network pages and link chart filters: not built yet."""
