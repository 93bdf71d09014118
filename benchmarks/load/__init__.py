"""The web platform under load (`make load`): a PostgreSQL database per network size
(`data`), the real `coopnet serve` (`server`), locust's simulated members (`locustfile`, their
pages in `mix`) and the "Web under load" section of docs/benchmarks.md (`report`); `main`
runs them."""
