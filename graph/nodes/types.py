"""Type of a node function as the builder sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NodeFn = Callable[..., Any]
