"""Backends deskhand talks to: tickets, calendar, docs, plus the app database they share.

Nothing here imports from ``graph`` or ``bot``; each capability sits behind a ``typing.Protocol`` in its
``base.py`` so the graph can be wired to a local backend, a real one, or a test fake.
"""
