import numpy as np
from hypothesis import strategies as st


@st.composite
def dense_games(draw, min_players=1, max_players=7, kind="any"):
    """Random dense games: integer games with many ties, or real-valued ones, possibly negative."""
    n = draw(st.integers(min_players, max_players))
    size = 1 << n
    style = draw(st.sampled_from(["ties", "real", "superadditive"])) if kind == "any" else kind
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if style == "ties":
        v = rng.integers(-2, 4, size).astype(float)
    elif style == "real":
        v = rng.normal(0, 10, size)
    else:
        sizes = np.bitwise_count(np.arange(size)).astype(float)
        v = rng.random(size) * sizes**1.5
    v[0] = 0.0
    return v
