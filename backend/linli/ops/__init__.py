"""Running Linli in production: health checks, request logs, backup and restore."""
