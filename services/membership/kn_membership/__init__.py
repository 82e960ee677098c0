"""The membership service: networks, members, ydernumre, clinics and coordinators."""

SERVICE = "membership"
