"""Retention analytics, segments, import and export: read-side SQL over a shop's orders and ledger."""
