"""Scheduled jobs: APScheduler wiring; each job calls exactly one service."""
