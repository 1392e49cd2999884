"""Deterministic parsers shared by tools and the local model: people, priorities, statuses, dates."""
