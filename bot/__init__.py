"""deskhand's Slack edge: settings, the Bolt app and its listeners, Block Kit builders, runners and the CLI.

``bot.composition`` is the composition root: it turns one ``Settings`` into wired backends, the compiled
graph and the Bolt app. Nothing imports ``bot``.
"""
