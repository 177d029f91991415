"""Failover drills: runbooks, runner, reports."""
