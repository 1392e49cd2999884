"""Ticketing: the Protocol every tracker backend implements (``base``), workflows (``workflow``), the local
SQLite tracker (``local``), Jira Cloud over REST v3 (``jira``) and its rich-text format (``adf``)."""
