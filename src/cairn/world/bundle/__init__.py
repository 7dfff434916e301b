"""The bundle format: a Frictionless Data Package of CSV resources, with its schemas and writer."""
