"""The fuzzing profile: reproducible in CI (derandomized: the same examples every run), no
deadline (a loaded CI machine is slow, and speed is measured in bench/), no example database
written into the checkout. For a long local run, raise the number of examples of every
property: CHORUS_FUZZ_EXAMPLES=2000 pytest tests/security -k fuzz (see fuzzing.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "chorus-security",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=40,
    print_blob=True,
    # One workspace serves all the examples of a test: each example checks what it changed.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.load_profile("chorus-security")
