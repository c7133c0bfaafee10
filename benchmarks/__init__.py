"""The performance figures in docs/performance.md: `python -m benchmarks.run [--quick]`."""
