"""`python -m coopnet.cli` (how `coopnet demo` starts its job worker)."""

from coopnet.cli.app import run

if __name__ == "__main__":
    run()
