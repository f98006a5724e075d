"""Thin discord.py extensions, one per feature: convert arguments, call a service, render.

Modules and packages whose names start with an underscore are shared UI helpers, not
extensions.
"""
