"""Oversight: staff supervision in children's social care, run the way each council's policy says."""

__version__ = "0.1.0"
