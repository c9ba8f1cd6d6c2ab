"""The JSON API under /api/v1/: each app's router, assembled in `main`."""
