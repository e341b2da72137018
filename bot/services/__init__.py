"""Use cases: each loads what it needs, calls the domain, saves, audits, commits, then
returns the Slack effects for the caller to apply."""
