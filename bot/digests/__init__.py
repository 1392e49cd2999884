"""Scheduled digests and approval reminders: when they run, what they say, and the scheduler that posts them.

``schedule`` does the calendar maths (wall-clock times in each subscriber's zone, across DST), ``content``
reads the integrations into a digest, ``delivery`` posts one slot once, ``scheduler`` runs APScheduler under a
lease so one process per deployment posts, ``reminders`` nudges approvers, and ``slack`` is the
`/deskhand digest` command and its modal.
"""
