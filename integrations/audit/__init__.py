"""The audit log: every approval decision and every write deskhand performs."""
