"""studybot: a Discord study-group bot for engineers preparing for AI-native roles.

Everything in this package except the bot class, the CLI and the local Discord
simulator is free of discord.py, so the rules can be tested without a gateway.
"""

__version__ = "0.1.0"
