"""Benchmarks run by `make bench…`; outside the shipped apps, never imported by them."""
