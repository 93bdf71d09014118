"""The coopnet engine: pure Python, numpy and solvers; no web framework, no database."""
