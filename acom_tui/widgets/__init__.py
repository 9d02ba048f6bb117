"""Reusable pieces of the screens.

Each module is imported by the screens that use it; nothing is re-exported here, so that
importing one widget never pulls in the others.
"""
