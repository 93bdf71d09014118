"""The network's directory: organisations, their people and skills, and who may see what."""
