"""coopnet: optimal consortia, fair and stable splits, shared services for co-operative networks."""

__version__ = "0.1.0"
