"""Differential tests against coopgame-py, an independent implementation (Rust)."""

import coopgame
import numpy as np
import pytest

from coopnet.engine.errors import Undefined
from coopnet.engine.games import (
    banzhaf_exact,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
    shapley_exact,
)


def random_game(rng, n):
    style = rng.integers(3)
    size = 1 << n
    if style == 0:
        v = rng.integers(0, 5, size).astype(float)
    elif style == 1:
        v = rng.normal(0, 10, size)
    else:
        sizes = np.bitwise_count(np.arange(size)).astype(float)
        v = rng.random(size) * sizes**1.5
        v[sizes == 1] = rng.random(n) * 0.1
    v[0] = 0
    return v


@pytest.mark.parametrize("seed", range(150))
def test_agrees_with_coopgame(seed):
    rng = np.random.default_rng(seed)
    v = random_game(rng, int(rng.integers(2, 10)))
    tol = 1e-6 * max(1.0, float(np.abs(v).max()))
    peer = coopgame.Game(v[1:].tolist())  # bitmask order, without the empty coalition
    assert shapley_exact(v) == pytest.approx(coopgame.shapley(peer), abs=tol)
    assert banzhaf_exact(v) == pytest.approx(coopgame.banzhaf(peer), abs=tol)
    pre = coopgame.prenucleolus(peer)
    assert prenucleolus(v) == pytest.approx(pre["allocation"], abs=tol)
    assert least_core_epsilon(v) == pytest.approx(pre["levels"][0], abs=tol)
    try:
        expected = coopgame.nucleolus(peer)["allocation"]
    except ValueError:  # no imputations
        with pytest.raises(Undefined):
            nucleolus(v)
    else:
        assert nucleolus(v) == pytest.approx(expected, abs=tol)
