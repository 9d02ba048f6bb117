"""Tables for the services part of the store (created at start with the core schema)."""

SCHEMA = """
"""
