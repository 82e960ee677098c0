"""Adapters at the edge: the membership view, its queries, the scheme file, iCalendar."""
