"""Approval requests: what is waiting for a person's decision, who may decide, and what happened."""
