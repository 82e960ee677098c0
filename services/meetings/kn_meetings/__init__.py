"""The meetings service: meeting plans, meetings, topics and attendance protocols."""

SERVICE = "meetings"
