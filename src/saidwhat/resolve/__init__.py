"""Resolve: who each source is, and what each statement is about."""
