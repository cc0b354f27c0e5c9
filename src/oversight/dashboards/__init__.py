"""Compliance dashboards: a supervisor's, a team's, a service's and the authority's figures,
read from the obligation store (oversight.compliance.models) with aggregate queries."""
