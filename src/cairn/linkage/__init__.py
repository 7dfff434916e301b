"""Entity resolution: person mentions resolved into person entities (issue 5, section 3)."""
