"""Digest subscriptions: who gets a digest, where, when and with what; and which (subscription, slot) ran."""
