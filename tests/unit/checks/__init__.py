"""Unit tests of the check catalogue."""
