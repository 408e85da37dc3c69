"""Benchmarks of the portal; they print ratios (see bench/README.md). Not part of the product."""
