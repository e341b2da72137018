"""The pure core of Chorus: entities, the workflow, routing and policy (standard library only)."""
