"""Baselines measured side by side with kapsession in the same run."""
