"""Each module registers one sandbox network (see local/sandbox/framework.py)."""
