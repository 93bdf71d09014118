import numpy as np
from hypothesis import strategies as st

STYLES = ("ties", "signed", "real", "superadditive", "simple")


def random_dense_game(rng, n, style):
    """One dense game (2^n values by bitmask, v[0] = 0) of the given style.

    ties: integers 0..3, so many coalitions share an excess; signed: integers -3..3;
    real: normal, possibly negative; superadditive-ish: grows with |S|; simple: 0/1 values.
    """
    size = 1 << n
    sizes = np.bitwise_count(np.arange(size)).astype(float)
    if style == "ties":
        v = rng.integers(0, 4, size).astype(float)
    elif style == "signed":
        v = rng.integers(-3, 4, size).astype(float)
    elif style == "real":
        v = rng.normal(0, 10, size)
    elif style == "superadditive":
        v = rng.random(size) * sizes**1.5
    elif style == "simple":
        v = (rng.random(size) < sizes / n).astype(float)
    else:
        raise ValueError(style)
    v[0] = 0.0
    return v


@st.composite
def dense_games(draw, min_players=1, max_players=8, styles=STYLES):
    """Random dense games with n in [min_players, max_players]."""
    n = draw(st.integers(min_players, max_players))
    style = draw(st.sampled_from(styles))
    seed = draw(st.integers(0, 2**32 - 1))
    return random_dense_game(np.random.default_rng(seed), n, style)


def players(n):
    return tuple(f"p{i}" for i in range(n))


def n_of(v):
    return len(v).bit_length() - 1


def scale(v):
    """The magnitude tolerances are relative to."""
    return max(1.0, float(np.abs(v).max()))
