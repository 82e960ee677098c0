"""Kvalitetsnet's web app: Danish pages for coordinators, EKM and auditors.

It owns no data: every page asks the services' HTTP APIs with the signed-in person's own
bearer token, so the services decide what that person may read and do.
"""

SERVICE = "web"
