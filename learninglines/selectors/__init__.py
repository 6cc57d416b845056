"""Reads shared by several pages, by concern; each costs a fixed number of queries."""
