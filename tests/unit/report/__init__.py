"""Tests of the report formatters."""
