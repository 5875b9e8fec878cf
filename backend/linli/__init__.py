"""Linli (邻里): resident demand system for urban community services."""

from linli.app import create_app

__all__ = ["create_app"]
