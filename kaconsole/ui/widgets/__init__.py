"""Widgets of the console: each renders state it is given and posts messages up."""
