"""Calendars: the Protocol every calendar backend implements, the local SQLite calendar, Google Calendar."""
