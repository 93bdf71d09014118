"""The floor every app stands on: who may see and do what, authentication and API tokens,
parsing what people type, rendering errors, and money in the network's currency.

It imports Django and the engine, never an app above it (`make lint` checks this).
"""
