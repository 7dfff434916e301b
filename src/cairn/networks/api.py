"""The networks API router (issue 6): not built yet."""
