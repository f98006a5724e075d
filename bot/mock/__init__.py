"""Scheduled mock-interview pairings: matching, availability and the round service.

Nothing here imports discord: the cog in ``cogs/mock`` renders what these modules decide.
"""
