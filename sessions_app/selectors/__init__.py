"""Reads of the exchange shared by several callers, each a fixed number of queries."""
