"""Lines of enquiry an investigation could follow, suggested from the linked reports."""
