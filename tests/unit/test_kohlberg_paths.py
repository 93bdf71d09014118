"""Kohlberg's criterion decided level by level (the growing LP for large games) agrees with the
one-LP check used for small ones: both accept the nucleolus and reject any other allocation."""

import importlib

import numpy as np
import pytest
from game_strategies import STYLES, random_dense_game

from coopnet.engine.games.nucleolus import kohlberg_certified, nucleolus, prenucleolus

module = importlib.import_module("coopnet.engine.games.nucleolus")


@pytest.fixture(params=["one LP", "level by level"])
def path(request, monkeypatch):
    if request.param == "level by level":
        monkeypatch.setattr(module, "_ONE_LP_COLUMNS", 0)
    return request.param


@pytest.mark.parametrize("seed", range(12))
def test_the_prenucleolus_is_certified_and_nothing_beside_it(path, seed):
    rng = np.random.default_rng(seed)
    n = 3 + seed % 3
    v = random_dense_game(rng, n, STYLES[seed % len(STYLES)])
    x = prenucleolus(v)
    assert kohlberg_certified(v, x, imputation=False)
    scale = max(1.0, float(np.abs(v).max()))
    for i, j in [(0, 1), (1, n - 1)]:
        moved = x.copy()
        moved[i] += 0.01 * scale
        moved[j] -= 0.01 * scale
        assert not kohlberg_certified(v, moved, imputation=False)


@pytest.mark.parametrize("seed", range(12))
def test_the_nucleolus_is_certified_and_nothing_beside_it(path, seed):
    rng = np.random.default_rng(100 + seed)
    n = 3 + seed % 3
    v = random_dense_game(rng, n, "superadditive")
    v[-1] = max(v[-1], v[1 << np.arange(n)].sum() + 1.0)  # so that imputations exist
    x = nucleolus(v)
    assert kohlberg_certified(v, x, imputation=True)
    singles = v[1 << np.arange(n)]
    slack = x - singles
    giver = int(np.argmax(slack))  # moving value off the player furthest above its own worth
    step = min(0.01 * max(1.0, float(np.abs(v).max())), slack[giver] / 2)
    assert step > 1e-6
    for taker in (t for t in range(n) if t != giver):
        moved = x.copy()
        moved[giver] -= step
        moved[taker] += step
        assert not kohlberg_certified(v, moved, imputation=True)


def test_the_talmud_estate_of_200_is_certified_on_both_paths(path):
    # the Talmud's estate of 200 among claims 100, 200, 300: the nucleolus of the bankruptcy
    # game v(S) = max(0, 200 - claims outside S) is 50, 75, 75
    claims = np.array([100.0, 200.0, 300.0])
    masks = np.arange(8)
    outside = [claims[[i for i in range(3) if not m >> i & 1]].sum() for m in masks]
    v = np.maximum(0.0, 200.0 - np.array(outside))
    assert nucleolus(v) == pytest.approx([50.0, 75.0, 75.0], abs=1e-9)
    assert kohlberg_certified(v, np.array([50.0, 75.0, 75.0]), imputation=True)
    assert not kohlberg_certified(v, np.array([200 / 3] * 3), imputation=True)
