"""Ticketing: the Protocol every tracker backend implements, the local SQLite tracker, and Jira (later)."""
