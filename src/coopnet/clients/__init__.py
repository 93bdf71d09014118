"""The network's front door: a client describes what it needs, without signing in; the
coordinator passes the request to the organisations whose offerings match, or turns it into an
opportunity that the network found (no finder organisation: no finder's fee)."""
