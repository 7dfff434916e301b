"""Network pages (issue 6, section 3): not built yet."""
