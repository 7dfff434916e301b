"""The investigations pages."""
