"""Domain errors, each with a message a person can act on; entry points map them to exit codes."""


class EngineError(Exception):
    """Something the engine cannot do; the message says why."""


class BadInput(EngineError):
    """The input is malformed or out of range (CLI exit 2, HTTP 4xx)."""


class TooLarge(BadInput):
    """An exact computation was asked for a game beyond what can be enumerated."""


class Undefined(EngineError):
    """A solution concept that does not exist for this game (reported as null with a reason)."""


class SolverError(EngineError):
    """A solver failed or could not certify its answer (CLI exit 1)."""
