"""The cache setting: with `COOPNET_CACHE_URL` every process shares one Redis (the real one at
127.0.0.1:6379), so that what one process stores another reads and an API caller's rate is
counted once across them; without it each process has its own memory; a URL that is not
Redis's stops the app at start with one line naming the setting."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"
COOPNET = Path(sys.executable).with_name("coopnet")

#: one process's part, by its first argument: `set KEY VALUE`, `get KEY`, `backend`, `sessions`
#: (the session engine's name), or
#: `throttle USER_ID` (one API request by that user, through the API's own throttle: True if let
#: through)
PROBE = """
import sys, types, django
django.setup()
from django.core.cache import cache
action, *rest = sys.argv[1:]
if action == "set":
    cache.set(rest[0], {"value": rest[1]}, 60)
elif action == "get":
    print(cache.get(rest[0]))
elif action == "backend":
    from django.core.cache import caches
    print(type(caches["default"]).__name__)
elif action == "clients":
    # how many Redis clients many operations, some from other threads, went through
    import threading
    from django.core.cache import caches
    backend = caches["default"]
    seen = set()
    def work(n):
        for i in range(20):
            backend.set(f"{rest[0]}-{n}-{i}", i, 60)
            assert backend.get(f"{rest[0]}-{n}-{i}") == i
            seen.add(id(backend._cache.get_client(write=True)))
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print(len(seen))
elif action == "sessions":
    from django.conf import settings
    print(settings.SESSION_ENGINE.rpartition(".")[2])
elif action == "throttle":
    from django.test import RequestFactory
    from coopnet.common.auth import UserThrottle
    request = RequestFactory().get("/api/people")
    request.user = types.SimpleNamespace(is_authenticated=True, pk=int(rest[0]))
    print(UserThrottle().allow_request(request))
"""


def environment(**settings: str) -> dict[str, str]:
    """The suite's environment without its COOPNET_ settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COOPNET_", "DJANGO_"))}
    return env | {"DJANGO_SETTINGS_MODULE": "coopnet.web.settings"} | settings


def probe(env: dict[str, str], *args: str) -> str:
    """Run PROBE in a process of its own; its one line of output."""
    found = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


@pytest.fixture
def shared_redis():
    """The environment of a process on the real Redis, under a key prefix of this test's own
    (so that it neither sees nor touches any other's keys), and a client to it; its keys are
    deleted afterwards. Skips if no Redis answers at 127.0.0.1:6379."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL} to share a cache through ({error})")
    prefix = f"coopnet-test-{uuid.uuid4().hex[:12]}"
    env = environment(COOPNET_CACHE_URL=REDIS_URL, COOPNET_CACHE_PREFIX=prefix)
    try:
        yield env, client, prefix
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_what_one_process_stores_in_redis_another_reads(shared_redis):
    env, client, prefix = shared_redis
    assert probe(env, "backend") == "RedisCache"
    assert probe(env, "sessions") == "cached_db"  # read from Redis, kept in the database
    probe(env, "set", "greeting", "hello from the first process")
    assert probe(env, "get", "greeting") == "{'value': 'hello from the first process'}"
    # stored in Redis itself, under the deployment's prefix (Django's prefix:version:key)
    assert [key.decode() for key in client.scan_iter(f"{prefix}:*")] == [f"{prefix}:1:greeting"]


def test_a_process_makes_one_redis_client_and_shares_it_between_threads(shared_redis):
    """Django makes a client per cache operation (copying redis-py's callback table each
    time); ours makes one per connection pool, and threads borrow connections through it."""
    env, client, prefix = shared_redis
    assert probe(env, "clients", "n") == "1"
    assert len(list(client.scan_iter(f"{prefix}:*"))) == 80  # every thread's every write


def test_two_deployments_on_one_redis_keep_apart_by_prefix(shared_redis):
    env, _, prefix = shared_redis
    probe(env, "set", "greeting", "ours")
    other = env | {"COOPNET_CACHE_PREFIX": f"{prefix}-other"}
    assert probe(other, "get", "greeting") == "None"
    assert probe(env, "get", "greeting") == "{'value': 'ours'}"


def test_an_api_callers_rate_is_counted_once_across_processes(shared_redis):
    env, _, _ = shared_redis
    env = env | {"COOPNET_API_RATE_USER": "2/min"}
    assert [probe(env, "throttle", "4242") for _ in range(3)] == ["True", "True", "False"]
    assert probe(env, "throttle", "4243") == "True"  # another user has a count of their own


def test_without_the_setting_each_process_has_a_cache_of_its_own():
    env = environment(COOPNET_API_RATE_USER="1/min")
    assert probe(env, "backend") == "LocMemCache"
    # sessions in the database only: a process's own memory would keep a signed-out one alive
    assert probe(env, "sessions") == "db"
    probe(env, "set", "greeting", "hello")
    assert probe(env, "get", "greeting") == "None"
    assert [probe(env, "throttle", "4242") for _ in range(2)] == ["True", "True"]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("memcached://127.0.0.1:11211", "it begins memcached://"),
        ("127.0.0.1:6379", "it has no scheme"),
        ("https://cache:s3cret-password@cache.example:6379/0", "it begins https://"),
    ],
)
def test_a_cache_url_that_is_not_redis_stops_the_app_in_one_line(tmp_path, url, said):
    env = environment(COOPNET_DATA_DIR=str(tmp_path), COOPNET_CACHE_URL=url)
    env.pop("DATABASE_URL", None)
    found = subprocess.run(
        [str(COOPNET), "token", "anyone"], env=env, capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 2
    assert found.stderr.strip().splitlines() == [
        "error: COOPNET_CACHE_URL must begin redis://, rediss:// or unix:// "
        f"(e.g. redis://127.0.0.1:6379/0); {said}"
    ]
    assert "s3cret" not in found.stderr  # the rest of the URL may hold Redis's password
