"""Investigation events on each linked young person's chronology (issue 7, section 5)."""
