"""Client opportunities, the consortia coopnet proposes for them, and their fair splits."""
