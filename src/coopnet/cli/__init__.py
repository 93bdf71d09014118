"""The `coopnet` command: parse, call the engine, print. Errors become one `error:` line.

Exit status: 0 success, 2 bad input, 1 anything else (spec/interfaces.md). The modules:

- `app`: the tree of commands, `main` (returns the exit status) and `run` (the console script);
- `games`: `game solve`; `consortium`: `form` and `split`; `pool`; `resilience`; `generate`;
- `platform`: `serve`, `worker`, `demo`, `token`, `version`; `engine_demo`: `demo --engine`;
- `ledger`: `ledger export`, the books as Beancount or CSV;
- `report`: results as the spec's JSON; `tables`: results as tables for people;
- `currency`: the network's currency (`--currency`, `COOPNET_CURRENCY`) in which money is
  written for people; `options`: the consoles and the options the commands share.
"""

from coopnet.cli.app import app, main, run

__all__ = ["app", "main", "run"]
