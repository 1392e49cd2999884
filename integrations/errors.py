"""The integration layer's exception hierarchy.

Backends raise these (never raw driver errors) so the layers above can turn them into a clear message for the
person in Slack, or into tool-error text for the model, without catching ``Exception``.
"""

from __future__ import annotations


class IntegrationError(Exception):
    """Base class: something a backend could not do. ``str(err)`` is safe to show a user."""


class NotFoundError(IntegrationError):
    """The thing asked for does not exist (a ticket key, a person, a project)."""


class ValidationError(IntegrationError):
    """The request is well-formed but not allowed (an unknown status, a forbidden transition)."""


class ConflictError(IntegrationError):
    """The world changed since the action was proposed (ticket edited, slot taken)."""


class BackendUnavailableError(IntegrationError):
    """A remote backend could not be reached or answered with a server error."""
