"""Tables for the money part of the store (created at start with the core schema)."""

SCHEMA = """
"""
