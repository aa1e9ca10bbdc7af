"""Attribute: find who said what in a parsed document."""
