"""The people directory: who works here, their ids, emails, names and time zones."""
