"""Readers' comments: django-comments-xtd customised for ewview."""
