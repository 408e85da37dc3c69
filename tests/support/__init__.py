"""What several test modules share: helpers and fixtures, never tests.

No test module imports another: what two of them need lives here. The fixtures are offered to
every test through ``pytest_plugins`` in tests/conftest.py.
"""
