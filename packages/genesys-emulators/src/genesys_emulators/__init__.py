"""Local emulators of GCP, Azure, Alibaba Cloud and Tencent Cloud APIs for tests, benchmarks and offline rehearsal (not published)."""

__version__ = "0.1.0"
